package io.frwr.rpc.server;

import io.frwr.verbs.SendWr;

import java.util.List;

/**
 * A reply ready to post: RDMA WRITEs for write/reply chunks (already pointing at mapped data) and the
 * bytes of the SEND, which go into a send slot when one is free.
 *
 * @param invalidateRkey the rkey to invalidate with SEND_WITH_INV, or null for a plain SEND
 * @param bytesWritten   bytes the WRITEs move
 */
record OutgoingReply(List<SendWr> writes, byte[] sendBytes, Integer invalidateRkey, long bytesWritten,
                     boolean rdmaError) {
    int wrCount() {
        return writes.size() + 1;
    }
}
