package io.frwr.rpc.server;

import io.frwr.rpc.oncrpc.ReplyStatus;

/**
 * What a program answers. The DDP-eligible data item (an NFS READ's data) is kept apart from the rest of
 * the results so the responder can RDMA-WRITE it into the call's write chunk instead of sending it inline.
 *
 * @param results     XDR of the procedure results; for a DDP item, everything except the item's content
 *                    (its length word included, as RFC 8166 reduces only the content)
 * @param ddpData     the DDP item's content, or null
 * @param ddpPosition where in {@code results} the content belongs when it travels inline
 */
public record RpcReply(ReplyStatus status, int mismatchLow, int mismatchHigh, byte[] results, byte[] ddpData,
                       int ddpPosition) {
    /** Checks that only a SUCCESS reply carries results and that the DDP position is XDR-aligned. */
    public RpcReply {
        if (results == null) {
            results = new byte[0];
        }
        if (ddpData != null && (ddpPosition < 0 || ddpPosition > results.length || (ddpPosition & 3) != 0)) {
            throw new IllegalArgumentException("DDP position must be a multiple of 4 in 0.." + results.length
                    + ", was " + ddpPosition);
        }
        if (status != ReplyStatus.SUCCESS && (results.length != 0 || ddpData != null)) {
            throw new IllegalArgumentException("only a SUCCESS reply carries results, status was " + status);
        }
    }

    /** {@return a SUCCESS reply with {@code results} and no DDP item} */
    public static RpcReply success(byte[] results) {
        return new RpcReply(ReplyStatus.SUCCESS, 0, 0, results, null, 0);
    }

    /** Results whose last item is a DDP data item: {@code results} ends with its length word. */
    public static RpcReply successWithData(byte[] results, byte[] data) {
        return new RpcReply(ReplyStatus.SUCCESS, 0, 0, results, data, results.length);
    }

    /** {@return a reply with accept status {@code status} and no results} */
    public static RpcReply error(ReplyStatus status) {
        return new RpcReply(status, 0, 0, null, null, 0);
    }

    /** {@return PROG_MISMATCH, naming the versions served} */
    public static RpcReply progMismatch(int low, int high) {
        return new RpcReply(ReplyStatus.PROG_MISMATCH, low, high, null, null, 0);
    }

    /** {@return whether the reply has a DDP item that may go by RDMA WRITE} */
    public boolean hasDdpData() {
        return ddpData != null;
    }
}
