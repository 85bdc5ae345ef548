package io.frwr.rpc.client;

/**
 * RFC 8166 section 3.3.1 flow control: the responder's grant, and the calls holding credits against it.
 * A connection starts at one credit; each reply states the grant anew. A grant of 0 would deadlock a
 * requester with nothing outstanding, and more than we provisioned send buffers for cannot be used, so
 * the value is clamped to 1..max as the Linux client does.
 */
final class CreditGrant {
    private final int max;
    private int granted = 1;
    private int inUse;
    private int highWater;

    CreditGrant(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the credit maximum must be at least 1, was " + max);
        }
        this.max = max;
    }

    /** A new connection grants one credit until its first reply says more. */
    void reset() {
        granted = 1;
    }

    /** Apply a reply's rdma_credit (unsigned on the wire). */
    void update(int wireCredits) {
        final long v = Integer.toUnsignedLong(wireCredits);
        granted = (int) Math.max(1, Math.min(max, v));
    }

    boolean available() {
        return inUse < granted;
    }

    void take() {
        if (!available()) {
            throw new IllegalStateException("no credit free: " + inUse + " of " + granted + " in use");
        }
        inUse++;
        highWater = Math.max(highWater, inUse);
    }

    void give() {
        if (inUse == 0) {
            throw new IllegalStateException("credit returned that was not taken");
        }
        inUse--;
    }

    int granted() {
        return granted;
    }

    int inUse() {
        return inUse;
    }

    int highWater() {
        return highWater;
    }
}
