package io.frwr.rpc.server;

import io.frwr.rpc.oncrpc.OpaqueAuth;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.xdr.XdrEncoder;

/**
 * The RPC reply as bytes: the ONC reply header and the program's results, with the DDP item either
 * left out (it went into a write chunk; RFC 8166 keeps its length word inline) or put back in place.
 */
public final class ReplyMessage {
    private ReplyMessage() {
    }

    public static byte[] build(int xid, RpcReply reply, boolean ddpInWriteChunk) {
        final byte[] head = header(xid, reply).encode();
        final byte[] results = reply.results();
        final byte[] data = reply.hasDdpData() && !ddpInWriteChunk ? reply.ddpData() : new byte[0];
        final int pad = XdrEncoder.padding(data.length);
        final byte[] out = new byte[head.length + results.length + data.length + pad];
        System.arraycopy(head, 0, out, 0, head.length);
        final int pos = reply.hasDdpData() ? reply.ddpPosition() : results.length;
        System.arraycopy(results, 0, out, head.length, pos);
        System.arraycopy(data, 0, out, head.length + pos, data.length);
        System.arraycopy(results, pos, out, head.length + pos + data.length + pad, results.length - pos);
        return out;
    }

    /** What {@link #build} would return, in bytes, without building it (the responder checks it first). */
    public static long size(RpcReply reply, boolean ddpInWriteChunk) {
        final long data = reply.hasDdpData() && !ddpInWriteChunk ? reply.ddpData().length : 0;
        return header(0, reply).encode().length + (long) reply.results().length + data + XdrEncoder.padding(
                (int) data);
    }

    private static RpcReplyHeader header(int xid, RpcReply reply) {
        return new RpcReplyHeader(xid, reply.status(), reply.status().accepted() ? OpaqueAuth.NONE : null,
                reply.mismatchLow(), reply.mismatchHigh(), 0);
    }
}
