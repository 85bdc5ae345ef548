package io.frwr.capture;

import java.util.ArrayDeque;

/**
 * The sequence state of one requester direction of an RC connection. Requests use this PSN space one PSN per
 * packet, and a READ request reserves one PSN per response packet; the responder's ACKs, NAKs and READ
 * responses travel the other way but carry PSNs from this space, as on a real RC QP. The MSN counts the
 * request messages the responder completed and goes back in every AETH.
 */
final class RequesterState {
    private int nextPsn;
    private int msn;
    /** First PSN of each READ request whose response has not crossed yet, oldest first. */
    private final ArrayDeque<Integer> pendingReads = new ArrayDeque<>();

    RequesterState(int initialPsn) {
        this.nextPsn = initialPsn & Psn.MASK;
    }

    /** Reserves {@code count} consecutive PSNs and returns the first. */
    int takePsns(int count) {
        final int first = nextPsn;
        nextPsn = Psn.add(nextPsn, count);
        return first;
    }

    /** The PSN of the last request packet sent, which a coalesced ACK or a NAK acknowledges. */
    int lastPsn() {
        return Psn.add(nextPsn, -1);
    }

    void readRequested(int firstPsn) {
        pendingReads.addLast(firstPsn);
    }

    /** First PSN of the oldest unanswered READ, or a fallback reservation if the capture missed the request. */
    int takeReadResponsePsn(int packets) {
        final Integer first = pendingReads.pollFirst();
        return first != null ? first : takePsns(packets);
    }

    int completeMessage() {
        msn = Psn.add(msn, 1);
        return msn;
    }

    int msn() {
        return msn;
    }
}
