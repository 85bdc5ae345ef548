package io.frwr.actors;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the MRs of one invalidation that still might let a peer reach the caller's memory. Each MR counts
 * down once: when its LOCAL_INV completed, when the peer invalidated it, or when recovery deregistered it.
 * At zero the caller is told its buffers are safe, from whichever thread counted last.
 */
final class Fence {
    private final AtomicInteger remaining;
    private final java.util.function.Consumer<Boolean> onFenced;
    private volatile boolean unsafe;

    /** {@code onFenced} gets true if every MR was fenced, false if one could not be deregistered. */
    Fence(int mrs, java.util.function.Consumer<Boolean> onFenced) {
        this.remaining = new AtomicInteger(mrs);
        this.onFenced = onFenced;
        if (mrs == 0) {
            onFenced.accept(true);
        }
    }

    /** The MR could not be fenced (deregistration failed for good). */
    void countDownUnsafe() {
        unsafe = true;
        countDown();
    }

    void countDown() {
        final int left = remaining.decrementAndGet();
        if (left == 0) {
            onFenced.accept(!unsafe);
        } else if (left < 0) {
            throw new IllegalStateException("fence counted down more often than it has MRs");
        }
    }
}
