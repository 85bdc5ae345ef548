package io.frwr.frwr;

/**
 * The state of one fast-registration MR, as the requester believes it to be.
 *
 * <p><b>Normal operation.</b> An MR cycles INVALID -&gt; VALID -&gt; INVALID. Map marks it VALID
 * <i>before</i> posting its FAST_REG and unmap marks it INVALID <i>before</i> posting its LOCAL_INV, and
 * the MR goes back to the pool as soon as the LOCAL_INV is posted. So an INVALID MR may still have a
 * LOCAL_INV in flight; that is safe because send-queue ordering runs a later FAST_REG on the same QP
 * only after that LOCAL_INV. Nothing needs to be done in the completion path, which keeps it cheap.
 *
 * <p><b>Transport recovery.</b> When the QP enters ERROR, every outstanding WR is flushed, and each MR
 * is left in one of three states:
 * <ul>
 *   <li>INVALID: it was idle, or only a LOCAL_INV was pending and that LOCAL_INV has not flushed yet.
 *       Map may use it: the new QP has no WRs of the old one, and the drain before reconnect makes
 *       sure a late flush cannot land after map has taken it.</li>
 *   <li>VALID: it was registered when the QP broke. The rkey may still be live in the device (nobody
 *       will post a LOCAL_INV for it on the dead QP), so it cannot simply be reused.</li>
 *   <li>STALE: a FAST_REG or LOCAL_INV on it was flushed, or its post failed. Its hardware state is
 *       unknown: registered, invalidated, or half-way.</li>
 * </ul>
 * VALID and STALE MRs are only safe after deregistration and a fresh allocation, which is slow and can
 * fail, so it is not done on the hot path: map hands such an MR to Recovery and takes another one.
 * Deregistration leaves the slot STALE (no MR at all); RECOVERED brings the fresh MR back as INVALID.
 *
 * <p>Only an INVALID MR may be fast-registered ({@link #canFastRegister()}); every other transition not
 * listed in {@link #next} is a bug in the caller and throws.
 */
public enum MrState {
    /** No live rkey (or its LOCAL_INV is ordered ahead of anything posted next): free to map. */
    INVALID,
    /** Registered: a peer may be using its rkey; must be unmapped (or remotely invalidated) first. */
    VALID,
    /** A WR on it was flushed or failed to post: hardware state unknown, needs dereg and realloc. */
    STALE;

    /**
     * The one transition table: every state change of every MR goes through here ({@code PooledMr.apply}), so a
     * transition it does not list is a bug in the caller and fails loudly. Flushes, a failed post, a retired
     * registration and deregistration all lead to STALE from any state: after them the hardware state is
     * unknown or gone, whatever the software believed. Only RECOVERED leaves STALE, and only MAP leaves
     * INVALID for VALID.
     *
     * @throws IllegalStateException if this MR state cannot take the event
     */
    public static MrState next(MrState from, MrEvent event) {
        final MrState to = switch (event) {
            case MAP -> from == INVALID ? VALID : null;
            case UNMAP, REMOTE_INVALIDATED -> from == VALID ? INVALID : null;
            case FAST_REG_FLUSHED, LOCAL_INV_FLUSHED, RETIRED, DEREGISTERED -> STALE;
            case POST_FAILED -> from == VALID || from == INVALID ? STALE : null;
            case RECOVERED -> from == STALE ? INVALID : null;
        };
        if (to == null) {
            throw new IllegalStateException("MR in state " + from + " cannot take event " + event);
        }
        return to;
    }

    /** Only an INVALID MR may be the target of a FAST_REG. */
    public boolean canFastRegister() {
        return this == INVALID;
    }
}
