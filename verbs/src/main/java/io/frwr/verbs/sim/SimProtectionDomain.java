package io.frwr.verbs.sim;

import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.VerbsException;

/** A protection domain of one endpoint: MRs and QPs only work together inside one PD. */
public final class SimProtectionDomain implements ProtectionDomain {
    private final SimDevice device;
    private final int pdNum;

    SimProtectionDomain(SimDevice device, int pdNum) {
        this.device = device;
        this.pdNum = pdNum;
    }

    @Override
    public SimDevice device() {
        return device;
    }

    /** {@return the PD's number on its endpoint} */
    public int pdNum() {
        return pdNum;
    }

    /**
     * EINVAL if {@code maxPages} is not in [1, maxFastRegPageListLen]; ENOMEM when the device holds maxMr MRs
     * or an allocation failure was injected. Blocks for {@link SimCosts#allocMrNanos()}.
     */
    @Override
    public SimMr allocFastRegMr(int maxPages) throws VerbsException {
        return device.allocMr(this, maxPages);
    }

    /**
     * Works in any state (valid, invalid, with WRs pending that name it): the MR's rkey stops working at once,
     * a FAST_REG or LOCAL_INV that executes later fails with LOC_PROT_ERR. EINVAL for an MR of another PD or
     * one already deregistered; EBUSY only when injected. Blocks for {@link SimCosts#deregMrNanos()}.
     */
    @Override
    public void deregMr(FastRegMr mr) throws VerbsException {
        device.deregMr(this, mr);
    }

    @Override
    public String toString() {
        return "SimProtectionDomain[" + device.name() + " pd" + pdNum + "]";
    }
}
