package io.frwr.rpc.client;

/** Why a call failed: every way is a distinct kind, and each is counted ({@link ClientCounter}). */
public record CallError(Kind kind, String message) {
    /** The distinct ways a call can fail; callers switch on these, not on the message. */
    public enum Kind {
        /** The transport had no MR free for the call's chunks (backpressure; nothing was sent). */
        NO_MR,
        /** The connection broke more often than maxRetransmits allows, or the transport gave up. */
        CONNECTION_LOST,
        /** No result within callTimeout. */
        TIMEOUT,
        /** The responder answered RDMA_ERROR (ERR_VERS or ERR_CHUNK). */
        REMOTE_ERROR,
        /** The reply did not decode, or its chunks do not match what the call offered. */
        BAD_REPLY,
        /** MSG_DENIED, or an accept_stat other than SUCCESS. */
        RPC_REJECTED,
        /** The client or its transport is shutting down. */
        STOPPED,
        /** The transport refused the call's chunks as malformed (too many MRs, bad segments). */
        BAD_REQUEST,
        /** queueLimit calls already wait for a credit (backpressure; nothing was sent). */
        QUEUE_FULL
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
