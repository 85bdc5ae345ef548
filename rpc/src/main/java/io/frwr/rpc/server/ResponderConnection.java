package io.frwr.rpc.server;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.QueuePair;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * What the responder holds per accepted connection: the QP and its CQs, one receive buffer per credit,
 * as many send slots, the send-queue accounting and the calls in progress. Confined to the actor.
 */
final class ResponderConnection {
    final long id;
    final CompletionQueue sendCq;
    final CompletionQueue recvCq;
    final DmaBuffer recvBuffer;
    final DmaBuffer sendBuffer;
    final int slotSize;
    final int sqCapacity;
    /** RFC 8797: both sides offered it. */
    final boolean remoteInvalidation;
    /** The most a reply may be inline: our threshold or the requester's receive size, whichever is less. */
    final int replyInlineLimit;
    final Deque<Integer> freeSendSlots = new ArrayDeque<>();
    /** Work that waits for send-queue room or a send slot, in arrival order. */
    final Deque<InboundCall> waiting = new ArrayDeque<>();
    final Map<Long, InboundCall> calls = new HashMap<>();
    /** One receive and one send slot per credit. */
    final int slots;
    QueuePair qp;
    int sqInUse;
    /** Calls received whose reply is not yet posted: what RFC 8166 credits count. */
    int unanswered;
    /** Direct memory mapped for this connection now: its slots and its calls' buffers. */
    long mappedBytes;
    /** We disconnected it; messages still polled are ignored until Disconnected releases it. */
    boolean dropped;
    long nextCallId;

    ResponderConnection(long id, CompletionQueue sendCq, CompletionQueue recvCq, DmaBuffer recvBuffer,
                        DmaBuffer sendBuffer, int slots, int slotSize, int sqCapacity, boolean remoteInvalidation,
                        int replyInlineLimit) {
        this.id = id;
        this.sendCq = sendCq;
        this.recvCq = recvCq;
        this.recvBuffer = recvBuffer;
        this.sendBuffer = sendBuffer;
        this.slotSize = slotSize;
        this.sqCapacity = sqCapacity;
        this.remoteInvalidation = remoteInvalidation;
        this.replyInlineLimit = replyInlineLimit;
        this.slots = slots;
        for (int i = 0; i < slots; i++) {
            freeSendSlots.add(i);
        }
    }
}
