package io.frwr.testkit;

import io.frwr.rpc.rdma.RpcRdmaHeader;

/**
 * One call as the {@link MisbehavingResponder} received it, handed to its {@link MisbehavingResponder#answer}
 * hook so the test can choose what to do from what the requester offered.
 *
 * @param index  0 for the first call this responder received, then 1, 2 ... (every transmission counts)
 * @param header the decoded RPC-over-RDMA header: XID, credits, read list, write list, reply chunk
 */
public record ReceivedCall(int index, RpcRdmaHeader header) {
    /** The rkey of the first segment of the first write chunk, or of the reply chunk, or of the first read. */
    public int firstRkey() {
        if (!header.writeList().isEmpty()) {
            return header.writeList().get(0).segments().get(0).handle();
        }
        if (header.replyChunk() != null && !header.replyChunk().segments().isEmpty()) {
            return header.replyChunk().segments().get(0).handle();
        }
        if (!header.readList().isEmpty()) {
            return header.readList().get(0).segment().handle();
        }
        throw new IllegalStateException("call xid 0x" + Integer.toHexString(header.xid()) + " offered no chunk");
    }

    /** True if the call offered at least one write chunk. */
    public boolean hasWriteChunk() {
        return !header.writeList().isEmpty();
    }
}
