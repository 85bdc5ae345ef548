package io.frwr.rpc.client;

/** Every counter the requester keeps, declared once (label, description) for stats, logs and tests. */
public enum ClientCounter {
    CALLS("calls", "Calls accepted"),
    SUCCEEDED("succeeded", "calls that ended with a reply the program accepted"),
    INLINE_CALLS("inline_calls", "transmissions sent wholly inline (RDMA_MSG, no read chunk)"),
    READ_CHUNK_CALLS("read_chunk_calls", "transmissions with the DDP argument in a read chunk"),
    NOMSG_CALLS("nomsg_calls", "transmissions as RDMA_NOMSG with the call in a position-zero read chunk"),
    WRITE_CHUNKS_OFFERED("write_chunks_offered", "transmissions offering a write chunk"),
    REPLY_CHUNKS_OFFERED("reply_chunks_offered", "transmissions offering a reply chunk"),
    RETRANSMITS("retransmits", "calls resent with the same XID after a reconnect"),
    REMOTE_INVALIDATIONS("remote_invalidations", "replies that came with SEND_WITH_INV for the call's rkey"),
    UNFENCED("unfenced", "calls whose registration could not be fenced (memory may stay exposed)"),
    CREDIT_WAITS("credit_waits", "calls that queued because every granted credit was in use"),
    UNMATCHED_REPLIES("unmatched_replies", "replies whose XID matched no live call (late or duplicate)"),
    UNDECODABLE_REPLIES("undecodable_replies", "messages whose transport header did not decode"),
    FAILED_NO_MR("failed_no_mr", "calls failed NO_MR"),
    FAILED_CONNECTION_LOST("failed_connection_lost", "calls failed CONNECTION_LOST"),
    FAILED_TIMEOUT("failed_timeout", "calls failed TIMEOUT"),
    FAILED_REMOTE_ERROR("failed_remote_error", "calls failed REMOTE_ERROR"),
    FAILED_BAD_REPLY("failed_bad_reply", "calls failed BAD_REPLY"),
    FAILED_RPC_REJECTED("failed_rpc_rejected", "calls failed RPC_REJECTED"),
    FAILED_STOPPED("failed_stopped", "calls failed STOPPED"),
    FAILED_BAD_REQUEST("failed_bad_request", "calls failed BAD_REQUEST"),
    FAILED_QUEUE_FULL("failed_queue_full", "calls failed QUEUE_FULL");

    private final String label;
    private final String description;

    ClientCounter(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** {@return the stable name, as mountstats spells it where it has one} */
    public String label() {
        return label;
    }

    /** {@return one line saying what is counted} */
    public String description() {
        return description;
    }

    /** {@return the counter of calls that failed with {@code kind}} */
    public static ClientCounter failure(CallError.Kind kind) {
        return switch (kind) {
            case NO_MR -> FAILED_NO_MR;
            case CONNECTION_LOST -> FAILED_CONNECTION_LOST;
            case TIMEOUT -> FAILED_TIMEOUT;
            case REMOTE_ERROR -> FAILED_REMOTE_ERROR;
            case BAD_REPLY -> FAILED_BAD_REPLY;
            case RPC_REJECTED -> FAILED_RPC_REJECTED;
            case STOPPED -> FAILED_STOPPED;
            case BAD_REQUEST -> FAILED_BAD_REQUEST;
            case QUEUE_FULL -> FAILED_QUEUE_FULL;
        };
    }
}
