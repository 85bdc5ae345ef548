package io.frwr.actors;

import io.frwr.verbs.Access;

/** Which way the peer moves a registered chunk's bytes, and so which access the FAST_REG grants. */
public enum Direction {
    /** The peer RDMA READs the chunk (an RFC 8166 read chunk: call arguments). */
    PEER_READS(Access.REMOTE_READ),
    /** The peer RDMA WRITEs the chunk (a write or reply chunk: results). */
    PEER_WRITES(Access.REMOTE_WRITE | Access.LOCAL_WRITE),
    /**
     * The peer may both RDMA READ and RDMA WRITE the chunk under one handle (a buffer the peer fills and reads
     * back, or shared state on a passive endpoint). Invalidate ends both at once, as for the other directions.
     */
    PEER_READS_AND_WRITES(Access.REMOTE_READ | Access.REMOTE_WRITE | Access.LOCAL_WRITE);

    private final int access;

    Direction(int access) {
        this.access = access;
    }

    /** {@return the access flags the FAST_REG grants ({@link Access}); remote write implies local write, as verbs require} */
    public int access() {
        return access;
    }
}
