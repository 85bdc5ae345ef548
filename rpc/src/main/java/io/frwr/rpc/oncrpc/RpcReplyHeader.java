package io.frwr.rpc.oncrpc;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/**
 * RFC 5531 reply header up to the procedure results (which follow only for SUCCESS).
 *
 * @param verf       the verifier of an accepted reply (null when denied)
 * @param mismatchLow  lowest supported version, for PROG_MISMATCH and RPC_MISMATCH (0 otherwise)
 * @param mismatchHigh highest supported version, for PROG_MISMATCH and RPC_MISMATCH (0 otherwise)
 * @param authStat     why authentication failed, for AUTH_ERROR (0 otherwise)
 */
public record RpcReplyHeader(int xid, ReplyStatus status, OpaqueAuth verf, int mismatchLow, int mismatchHigh,
                             int authStat) {
    public static final int MSG_ACCEPTED = 0;
    public static final int MSG_DENIED = 1;

    public RpcReplyHeader {
        if (status.accepted() && verf == null) {
            throw new IllegalArgumentException("an accepted reply needs a verifier");
        }
        if (!status.accepted()) {
            verf = null;
        }
    }

    public static RpcReplyHeader accepted(int xid, ReplyStatus status) {
        return new RpcReplyHeader(xid, status, OpaqueAuth.NONE, 0, 0, 0);
    }

    public void encode(XdrEncoder e) {
        e.writeInt(xid).writeInt(RpcCallHeader.REPLY);
        if (status.accepted()) {
            e.writeInt(MSG_ACCEPTED);
            verf.encode(e);
            e.writeInt(status.wire());
            if (status == ReplyStatus.PROG_MISMATCH) {
                e.writeInt(mismatchLow).writeInt(mismatchHigh);
            }
        } else {
            e.writeInt(MSG_DENIED).writeInt(status.wire());
            if (status == ReplyStatus.RPC_MISMATCH) {
                e.writeInt(mismatchLow).writeInt(mismatchHigh);
            } else {
                e.writeInt(authStat);
            }
        }
    }

    public byte[] encode() {
        final XdrEncoder e = XdrEncoder.allocate(32 + OpaqueAuth.MAX_BODY);
        encode(e);
        return e.toByteArray();
    }

    public static RpcReplyHeader decode(XdrDecoder d) throws XdrException {
        final int xid = d.readInt("rpc xid");
        int at = d.offset();
        final int type = d.readInt("rpc msg_type");
        if (type != RpcCallHeader.REPLY) {
            throw new XdrException("rpc msg_type at offset " + at + " is " + type + ", a reply needs "
                    + RpcCallHeader.REPLY);
        }
        at = d.offset();
        final int replyStat = d.readInt("rpc reply_stat");
        if (replyStat == MSG_ACCEPTED) {
            final OpaqueAuth verf = OpaqueAuth.decode(d, "rpc verf");
            at = d.offset();
            final int acceptStat = d.readInt("rpc accept_stat");
            final ReplyStatus status = switch (acceptStat) {
                case 0 -> ReplyStatus.SUCCESS;
                case 1 -> ReplyStatus.PROG_UNAVAIL;
                case 2 -> ReplyStatus.PROG_MISMATCH;
                case 3 -> ReplyStatus.PROC_UNAVAIL;
                case 4 -> ReplyStatus.GARBAGE_ARGS;
                case 5 -> ReplyStatus.SYSTEM_ERR;
                default -> throw new XdrException("rpc accept_stat at offset " + at + " is " + acceptStat
                        + ", allowed 0..5");
            };
            if (status == ReplyStatus.PROG_MISMATCH) {
                return new RpcReplyHeader(xid, status, verf, d.readInt("rpc mismatch low"),
                        d.readInt("rpc mismatch high"), 0);
            }
            return new RpcReplyHeader(xid, status, verf, 0, 0, 0);
        }
        if (replyStat == MSG_DENIED) {
            at = d.offset();
            final int rejectStat = d.readInt("rpc reject_stat");
            if (rejectStat == 0) {
                return new RpcReplyHeader(xid, ReplyStatus.RPC_MISMATCH, null, d.readInt("rpc mismatch low"),
                        d.readInt("rpc mismatch high"), 0);
            }
            if (rejectStat == 1) {
                return new RpcReplyHeader(xid, ReplyStatus.AUTH_ERROR, null, 0, 0, d.readInt("rpc auth_stat"));
            }
            throw new XdrException("rpc reject_stat at offset " + at + " is " + rejectStat + ", allowed 0..1");
        }
        throw new XdrException("rpc reply_stat at offset " + at + " is " + replyStat + ", allowed 0..1");
    }
}
