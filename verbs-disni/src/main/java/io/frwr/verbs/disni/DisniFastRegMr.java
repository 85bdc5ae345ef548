package io.frwr.verbs.disni;

import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.RKey;

/**
 * A fast-reg MR as the DiSNI provider emulates it: no native object until a FAST_REG runs ibv_reg_mr, and
 * none again after LOCAL_INV runs ibv_dereg_mr. See {@link EmulatedFastReg} for what that changes.
 *
 * <p>{@link #rkey()} is the software copy: before the first registration it is a provider-made placeholder
 * whose key byte {@link #updateKey} sets; once a FAST_REG completes it is the rkey ibv_reg_mr returned
 * (written before the completion is delivered, so a consumer that reads it after the completion sees it).
 * Only the registration thread changes the registration.
 */
final class DisniFastRegMr implements FastRegMr {
    private final int maxPages;
    private final Object device;
    private volatile int rkey;
    private volatile int lkey;
    private volatile NativeMr registration;
    private volatile boolean deregistered;

    DisniFastRegMr(Object device, int index, int maxPages) {
        this.device = device;
        this.maxPages = maxPages;
        this.rkey = RKey.of(index, 0);
        this.lkey = rkey;
    }

    @Override
    public int rkey() {
        return rkey;
    }

    @Override
    public int lkey() {
        return lkey;
    }

    @Override
    public int maxPages() {
        return maxPages;
    }

    /** Recorded for the software copy only: ibv_reg_mr chooses the key byte, not us. */
    @Override
    public void updateKey(int keyByte) {
        rkey = RKey.withKeyByte(rkey, keyByte);
    }

    /** ibv_reg_mr picks the rkey: it is known only once the emulated FAST_REG has run. */
    @Override
    public boolean rkeyChosenAtRegistration() {
        return true;
    }

    @Override
    public boolean isDeregistered() {
        return deregistered;
    }

    Object device() {
        return device;
    }

    NativeMr registration() {
        return registration;
    }

    void installed(NativeMr mr) {
        registration = mr;
        lkey = mr.lkey();
        rkey = mr.rkey();
    }

    /** The registration is gone; rkey() keeps the last native rkey so a repeated LOCAL_INV is recognisable. */
    void invalidated() {
        registration = null;
    }

    void markDeregistered() {
        registration = null;
        deregistered = true;
    }

    @Override
    public String toString() {
        return "DisniFastRegMr[rkey=" + RKey.format(rkey) + (registration != null ? ", registered" : "")
                + (deregistered ? ", deregistered" : "") + "]";
    }
}
