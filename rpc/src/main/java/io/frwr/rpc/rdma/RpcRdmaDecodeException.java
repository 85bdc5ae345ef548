package io.frwr.rpc.rdma;

/**
 * A transport header that cannot be accepted. The reason tells a responder which RDMA_ERROR to send
 * (BAD_VERSION: ERR_VERS, the rest: ERR_CHUNK); the xid is kept when it was read, so the error can name it.
 */
public final class RpcRdmaDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the header; BAD_VERSION maps to ERR_VERS, every other reason to ERR_CHUNK. */
    public enum Reason {
        TRUNCATED, BAD_VERSION, BAD_PROC, TOO_MANY_SEGMENTS, TOO_MANY_CHUNKS, EMPTY_CHUNK, SEGMENT_TOO_LONG,
        BAD_DISCRIMINATOR, BAD_POSITION, READ_LIST_TOO_LONG
    }

    private final Reason reason;
    private final boolean xidKnown;
    private final int xid;

    public RpcRdmaDecodeException(Reason reason, boolean xidKnown, int xid, String message) {
        super(reason + ": " + message);
        this.reason = reason;
        this.xidKnown = xidKnown;
        this.xid = xid;
    }

    public Reason reason() {
        return reason;
    }

    /** False when the message was too short to hold even the xid; no reply can be matched then. */
    public boolean xidKnown() {
        return xidKnown;
    }

    public int xid() {
        return xid;
    }
}
