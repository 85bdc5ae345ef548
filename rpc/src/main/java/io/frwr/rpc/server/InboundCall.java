package io.frwr.rpc.server;

import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.verbs.DmaBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * One call from RECV to the completion of its reply SEND: pulling read chunks, waiting for the program
 * (and the service time), pushing write/reply chunks, sending. Mutable, confined to the responder actor.
 */
final class InboundCall {
    final long id;
    final int xid;
    /** Null for a header that did not decode (the call only carries an RDMA_ERROR reply). */
    final RpcRdmaHeader header;
    final byte[] inline;
    final List<DmaBuffer> mapped = new ArrayList<>();
    ReadPlan readPlan;
    DmaBuffer readBuffer;
    int readsPending;
    /** WRs posted and not yet completed; resources are released only when this is zero. */
    int outstandingWrs;
    int sendSlot = -1;
    OutgoingReply reply;
    boolean failed;
    /** Its reply is posted (or never will be), so it no longer holds one of the requester's credits. */
    boolean answered;

    InboundCall(long id, int xid, RpcRdmaHeader header, byte[] inline) {
        this.id = id;
        this.xid = xid;
        this.header = header;
        this.inline = inline;
    }
}
