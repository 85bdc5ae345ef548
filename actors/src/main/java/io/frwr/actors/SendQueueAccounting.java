package io.frwr.actors;

/**
 * Send-queue slots as the hardware counts them: every posted WR (FAST_REG and LOCAL_INV too) holds a slot
 * until a completion at or after it retires it. Unsignaled WRs produce no completion of their own, so a
 * WR is signaled at least every {@code signalInterval} posts; then at most {@code signalInterval - 1}
 * unsignaled WRs can sit behind the last signaled one, and any request of at most
 * {@link #largestRequest()} WRs is guaranteed to fit once the signaled ones complete.
 */
final class SendQueueAccounting {
    private final int capacity;
    private final int signalInterval;
    private long posted;
    private long retired;
    private long lastSignaled;

    SendQueueAccounting(int capacity, int signalInterval) {
        if (signalInterval < 1 || signalInterval > capacity) {
            throw new IllegalArgumentException("signal interval must be between 1 and the send-queue depth "
                    + capacity + ", was " + signalInterval);
        }
        this.capacity = capacity;
        this.signalInterval = signalInterval;
    }

    int capacity() {
        return capacity;
    }

    /** Most WRs one request may need: beyond that it could wait forever behind an unsignaled tail. */
    int largestRequest() {
        return capacity - signalInterval + 1;
    }

    int free() {
        return capacity - (int) (posted - retired);
    }

    int outstanding() {
        return (int) (posted - retired);
    }

    boolean fits(int wrs) {
        return wrs <= free();
    }

    /** Take the next slot; returns its sequence number (1, 2, ...). */
    long take() {
        if (posted - retired >= capacity) {
            throw new IllegalStateException("send queue over capacity " + capacity);
        }
        return ++posted;
    }

    /** Whether the WR with this sequence must be signaled; records it if so. */
    boolean signal(long seq, boolean requested) {
        if (requested || seq - lastSignaled >= signalInterval) {
            lastSignaled = seq;
            return true;
        }
        return false;
    }

    /** A chain failed to post from {@code firstUnposted} on: give those slots back. */
    void unpostFrom(long firstUnposted) {
        if (firstUnposted <= retired || firstUnposted > posted + 1) {
            throw new IllegalArgumentException("cannot unpost from " + firstUnposted + " (retired " + retired
                    + ", posted " + posted + ")");
        }
        posted = firstUnposted - 1;
        if (lastSignaled > posted) {
            lastSignaled = posted;
        }
    }

    long retired() {
        return retired;
    }

    long posted() {
        return posted;
    }

    /** A completion for {@code seq} retires it and everything before it (send-queue order). */
    void retireThrough(long seq) {
        if (seq > posted) {
            throw new IllegalArgumentException("completion for WR " + seq + " that was never posted (posted " + posted + ")");
        }
        if (seq > retired) {
            retired = seq;
        }
    }
}
