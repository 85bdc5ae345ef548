package io.frwr.actors;

import io.frwr.verbs.Access;

/** Which way the peer moves a registered chunk's bytes, and so which access the FAST_REG grants. */
public enum Direction {
    /** The peer RDMA READs the chunk (an RFC 8166 read chunk: call arguments). */
    PEER_READS(Access.REMOTE_READ),
    /** The peer RDMA WRITEs the chunk (a write or reply chunk: results). */
    PEER_WRITES(Access.REMOTE_WRITE | Access.LOCAL_WRITE);

    private final int access;

    Direction(int access) {
        this.access = access;
    }

    /** {@return the MR access flags ({@code io.frwr.verbs.Access}) a FAST_REG grants for this direction} */
    public int access() {
        return access;
    }
}
