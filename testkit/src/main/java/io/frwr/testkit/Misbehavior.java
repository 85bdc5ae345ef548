package io.frwr.testkit;

/**
 * How {@link MisbehavingResponder} answers a call. Each one is something a buggy or hostile RFC 8166
 * responder could do; the requester must end the call with a specific error or have the access refused,
 * and never let the peer touch a caller's buffer after its call ended.
 */
public enum Misbehavior {
    /** Serve the call correctly (the baseline, and the first call of a two-call scenario). */
    NONE,
    /** Serve correctly, then RDMA WRITE into the write chunk again, chained right after the reply's SEND. */
    WRITE_AFTER_REPLY,
    /** RDMA WRITE / READ with the rkey of the previous call's chunk, which the requester invalidated. */
    INVALIDATED_RKEY,
    /** RDMA WRITE / READ with this call's rkey but the previous key byte (a stale FAST_REG generation). */
    OLD_KEY_BYTE,
    /** RDMA WRITE one byte more than the write chunk's segment offers. */
    BEYOND_SEGMENT,
    /** Reply with a write chunk of zero segments (RFC 8166 forbids it). */
    EMPTY_CHUNK_IN_REPLY,
    /** Reply claiming more bytes written into the write chunk than the call offered. */
    OVERSIZE_CHUNK_IN_REPLY,
    /** Reply with an XID no call of this requester has. */
    UNKNOWN_XID,
    /** Reply granting 0 credits. */
    ZERO_CREDITS,
    /** Reply granting far more credits than any requester may use. */
    EXCESS_CREDITS
}
