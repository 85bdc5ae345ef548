package io.frwr.rpc.oncrpc;

/** RFC 5531 outcomes of a call: the accept_stat values under MSG_ACCEPTED, reject_stat values under MSG_DENIED. */
public enum ReplyStatus {
    SUCCESS(true, 0), PROG_UNAVAIL(true, 1), PROG_MISMATCH(true, 2), PROC_UNAVAIL(true, 3), GARBAGE_ARGS(true, 4),
    SYSTEM_ERR(true, 5), RPC_MISMATCH(false, 0), AUTH_ERROR(false, 1);

    private final boolean accepted;
    private final int wire;

    ReplyStatus(boolean accepted, int wire) {
        this.accepted = accepted;
        this.wire = wire;
    }

    /** True under MSG_ACCEPTED, false under MSG_DENIED. */
    public boolean accepted() {
        return accepted;
    }

    public int wire() {
        return wire;
    }
}
