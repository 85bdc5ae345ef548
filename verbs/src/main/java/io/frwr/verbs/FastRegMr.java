package io.frwr.verbs;

/**
 * A memory region allocated for fast registration (ib_alloc_mr of type MEM_REG). It maps nothing until a
 * FAST_REG WR executes, and stops mapping when LOCAL_INV or a peer's SEND_WITH_INV executes.
 */
public interface FastRegMr {
    /** The rkey the next FAST_REG will install (index and key byte), as the software copy holds it. */
    int rkey();

    /** Local key; equal to the rkey on every provider here. */
    int lkey();

    /** Most pages one FAST_REG of this MR may map. */
    int maxPages();

    /** ib_update_fast_reg_key: set the key byte that the next FAST_REG installs. Local, no WR. */
    void updateKey(int keyByte);

    /** True once deregistered; a deregistered MR cannot be used again. */
    boolean isDeregistered();

    /**
     * True where the provider cannot fast-register and chooses the rkey when the registration executes
     * (DiSNI's ibv_reg_mr): {@link #rkey()} is the key to advertise only after the FAST_REG completed, and
     * the key byte given to {@link #updateKey} is not used. Consumers must then signal the FAST_REG and wait
     * for its completion before handing the rkey to a peer.
     */
    default boolean rkeyChosenAtRegistration() {
        return false;
    }
}
