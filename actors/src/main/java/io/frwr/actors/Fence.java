package io.frwr.actors;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the MRs of one invalidation that still might let a peer reach the caller's memory. Each MR counts
 * down once: when its LOCAL_INV completed, when the peer invalidated it, when recovery deregistered it, or
 * when no QP of its protection domain is open any more. At zero {@code onFenced} runs, once, from whichever
 * thread counted last; there is no "unsafe" way to reach zero.
 */
final class Fence {
    private final AtomicInteger remaining;
    private final Runnable onFenced;

    Fence(int mrs, Runnable onFenced) {
        this.remaining = new AtomicInteger(mrs);
        this.onFenced = onFenced;
        if (mrs == 0) {
            onFenced.run();
        }
    }

    void countDown() {
        final int left = remaining.decrementAndGet();
        if (left == 0) {
            onFenced.run();
        } else if (left < 0) {
            throw new IllegalStateException("fence counted down more often than it has MRs");
        }
    }
}
