package io.frwr.rpc.oncrpc;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** RFC 5531 call header: xid, CALL, rpcvers 2, program, version, procedure, credential, verifier. */
public record RpcCallHeader(int xid, int prog, int vers, int proc, OpaqueAuth cred, OpaqueAuth verf) {
    public static final int CALL = 0;
    public static final int REPLY = 1;
    public static final int RPC_VERSION = 2;

    public void encode(XdrEncoder e) {
        e.writeInt(xid).writeInt(CALL).writeInt(RPC_VERSION).writeInt(prog).writeInt(vers).writeInt(proc);
        cred.encode(e);
        verf.encode(e);
    }

    public byte[] encode() {
        final XdrEncoder e = XdrEncoder.allocate(40 + 2 * OpaqueAuth.MAX_BODY);
        encode(e);
        return e.toByteArray();
    }

    /**
     * Reads a call header. A wrong rpcvers is not a decode error here: the caller owes an RPC_MISMATCH
     * reply, so it is thrown as the {@link RpcVersionMismatch} subtype that carries the xid.
     */
    public static RpcCallHeader decode(XdrDecoder d) throws XdrException {
        final int xid = d.readInt("rpc xid");
        final int at = d.offset();
        final int type = d.readInt("rpc msg_type");
        if (type != CALL) {
            throw new XdrException("rpc msg_type at offset " + at + " is " + type + ", a call needs " + CALL);
        }
        final int rpcvers = d.readInt("rpc rpcvers");
        if (rpcvers != RPC_VERSION) {
            throw new RpcVersionMismatch(xid, rpcvers);
        }
        final int prog = d.readInt("rpc prog");
        final int vers = d.readInt("rpc vers");
        final int proc = d.readInt("rpc proc");
        final OpaqueAuth cred = OpaqueAuth.decode(d, "rpc cred");
        final OpaqueAuth verf = OpaqueAuth.decode(d, "rpc verf");
        return new RpcCallHeader(xid, prog, vers, proc, cred, verf);
    }

    /** rpcvers other than 2: RFC 5531 wants a MSG_DENIED RPC_MISMATCH reply, which needs the xid. */
    public static final class RpcVersionMismatch extends XdrException {
        private static final long serialVersionUID = 1L;
        private final int xid;

        public RpcVersionMismatch(int xid, int rpcvers) {
            super("rpc rpcvers is " + Integer.toUnsignedString(rpcvers) + ", only " + RPC_VERSION + " is spoken");
            this.xid = xid;
        }

        public int xid() {
            return xid;
        }
    }
}
