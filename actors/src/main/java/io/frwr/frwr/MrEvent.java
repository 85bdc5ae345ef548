package io.frwr.frwr;

/** What can happen to an MR; {@link MrState#next} says which state each event leads to. */
public enum MrEvent {
    /** A FAST_REG is about to be posted for it (frwr_op_map marks VALID before posting). */
    MAP,
    /** Its LOCAL_INV is about to be posted (frwr_op_unmap marks INVALID before posting). */
    UNMAP,
    /** The peer invalidated the rkey with SEND_WITH_INV; no LOCAL_INV is needed. */
    REMOTE_INVALIDATED,
    /** Its FAST_REG completed with WR_FLUSH_ERR: whether the registration happened is unknown. */
    FAST_REG_FLUSHED,
    /** Its LOCAL_INV completed with WR_FLUSH_ERR: the rkey may still be live. */
    LOCAL_INV_FLUSHED,
    /** ib_post_send refused its FAST_REG or LOCAL_INV. */
    POST_FAILED,
    /**
     * Its registration is dropped without a LOCAL_INV: rebuild-on-reconnect or a retired protection domain
     * takes back a lent MR, so its owner's Invalidate waits for the deregistration.
     */
    RETIRED,
    /** Recovery (or shutdown) deregistered it: no rkey of it works any more, and the slot has no MR. */
    DEREGISTERED,
    /** Recovery allocated a fresh MR in the slot of a deregistered one. */
    RECOVERED
}
