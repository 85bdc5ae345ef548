package io.frwr.rpc.client;

import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.RdmaErrorBody;
import io.frwr.rpc.rdma.RdmaProc;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrException;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A reply's transport header checked against what the call offered: a responder may only shorten the
 * chunks we registered (RFC 8166 section 3.4.6), never name others or grow them.
 *
 * @param error           the reason the call fails, or null
 * @param ddpBytes        bytes the responder says it wrote into the write chunk
 * @param replyChunkBytes bytes of the RPC reply in the reply chunk (RDMA_NOMSG), 0 when inline
 */
record ReplyCheck(CallError error, long ddpBytes, int replyChunkBytes) {
    /** The ONC RPC part: the results after the reply header, or why the reply is refused. */
    record Results(CallError error, ByteBuffer results) { }

    static ReplyCheck transport(RpcRdmaHeader reply, RpcRdmaHeader sent) {
        if (reply.proc() == RdmaProc.RDMA_ERROR) {
            final String what = reply.error() instanceof RdmaErrorBody.ErrVers v
                    ? "ERR_VERS: the responder speaks RPC-over-RDMA versions " + v.low() + ".." + v.high()
                    : "ERR_CHUNK: the responder could not process the call's header or chunks";
            return fail(CallError.Kind.REMOTE_ERROR, what);
        }
        if (!reply.readList().isEmpty()) {
            return fail(CallError.Kind.BAD_REPLY, "a reply may not carry a read list; it had "
                    + reply.readList().size() + " segments");
        }
        final List<WriteChunk> offered = sent.writeList();
        if (reply.writeList().size() > offered.size()) {
            return fail(CallError.Kind.BAD_REPLY, "the write list echo has " + reply.writeList().size()
                    + " chunks; the call offered " + offered.size());
        }
        long ddp = 0;
        for (int i = 0; i < reply.writeList().size(); i++) {
            final String bad = shortened(reply.writeList().get(i), offered.get(i), "write chunk " + i);
            if (bad != null) {
                return fail(CallError.Kind.BAD_REPLY, bad);
            }
            ddp += reply.writeList().get(i).totalLength();
        }
        if (reply.replyChunk() != null && sent.replyChunk() == null) {
            return fail(CallError.Kind.BAD_REPLY, "the reply names a reply chunk; the call offered none");
        }
        if (reply.proc() == RdmaProc.RDMA_MSG) {
            if (reply.replyChunk() != null) {
                return fail(CallError.Kind.BAD_REPLY, "an RDMA_MSG reply also names a reply chunk");
            }
            return new ReplyCheck(null, ddp, 0);
        }
        if (reply.replyChunk() == null) {
            return fail(CallError.Kind.BAD_REPLY, "an RDMA_NOMSG reply without a reply chunk has no message");
        }
        final String bad = shortened(reply.replyChunk(), sent.replyChunk(), "reply chunk");
        if (bad != null) {
            return fail(CallError.Kind.BAD_REPLY, bad);
        }
        return new ReplyCheck(null, ddp, (int) reply.replyChunk().totalLength());
    }

    /** Decode the ONC RPC reply header in {@code message}; SUCCESS gives the results that follow it. */
    static Results results(int xid, ByteBuffer message) {
        final XdrDecoder d = new XdrDecoder(message);
        final RpcReplyHeader h;
        try {
            h = RpcReplyHeader.decode(d);
        } catch (XdrException e) {
            return new Results(new CallError(CallError.Kind.BAD_REPLY, "RPC reply header: " + e.getMessage()), null);
        }
        if (h.xid() != xid) {
            return new Results(new CallError(CallError.Kind.BAD_REPLY, "the RPC reply has xid 0x"
                    + Integer.toHexString(h.xid()) + " inside a transport header for xid 0x"
                    + Integer.toHexString(xid)), null);
        }
        if (h.status() != ReplyStatus.SUCCESS) {
            final String detail = switch (h.status()) {
                case PROG_MISMATCH, RPC_MISMATCH -> " (supported " + h.mismatchLow() + ".." + h.mismatchHigh() + ")";
                case AUTH_ERROR -> " (auth_stat " + h.authStat() + ")";
                default -> "";
            };
            return new Results(new CallError(CallError.Kind.RPC_REJECTED, (h.status().accepted() ? "MSG_ACCEPTED, "
                    : "MSG_DENIED, ") + h.status() + detail), null);
        }
        return new Results(null, message.slice().asReadOnlyBuffer());
    }

    private static String shortened(WriteChunk echo, WriteChunk offered, String what) {
        if (echo.segments().size() > offered.segments().size()) {
            return what + " echo has " + echo.segments().size() + " segments; the call offered "
                    + offered.segments().size();
        }
        for (int i = 0; i < echo.segments().size(); i++) {
            final RdmaSegment e = echo.segments().get(i);
            final RdmaSegment o = offered.segments().get(i);
            if (e.handle() != o.handle()) {
                return what + " segment " + i + " names handle 0x" + Integer.toHexString(e.handle())
                        + "; the call offered 0x" + Integer.toHexString(o.handle());
            }
            if (e.length() > o.length()) {
                return what + " segment " + i + " claims " + e.length() + " bytes written; the call offered "
                        + o.length();
            }
        }
        return null;
    }

    private static ReplyCheck fail(CallError.Kind kind, String message) {
        return new ReplyCheck(new CallError(kind, message), 0, 0);
    }
}
