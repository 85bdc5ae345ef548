package io.frwr.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-chunk acquisition from a lock-free free list: the floor any MR list can hope for, since a caller
 * never waits for another and nothing is allocated. A Treiber stack over slot numbers; the head carries a
 * version that every change bumps, so a pop that raced with a pop-and-push of the same slot (ABA) fails its
 * CAS and retries. (The JDK's ConcurrentLinkedQueue allocates a node per release and was slower than a
 * plain lock here, so it would not be a floor.)
 */
public final class LockFreeMrPool implements ChunkMrPool {
    private static final long SLOT_MASK = 0xFFFF_FFFFL;

    /** High 32 bits: version; low 32 bits: top slot + 1, 0 when empty. */
    private final AtomicLong head = new AtomicLong();
    /** next[slot] = the slot below it + 1, 0 at the bottom. */
    private final AtomicIntegerArray next;

    public LockFreeMrPool(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, was " + size);
        }
        next = new AtomicIntegerArray(size);
        for (int i = size - 1; i >= 0; i--) {
            release(i);
        }
    }

    @Override
    public int acquire() {
        while (true) {
            final long h = head.get();
            final int top = (int) (h & SLOT_MASK);
            if (top == 0) {
                return -1;
            }
            final int below = next.get(top - 1);
            if (head.compareAndSet(h, bumped(h, below))) {
                return top - 1;
            }
        }
    }

    @Override
    public void release(int slot) {
        if (slot < 0 || slot >= next.length()) {
            throw new IllegalArgumentException("MR slot " + slot + " is outside [0, " + (next.length() - 1) + "]");
        }
        while (true) {
            final long h = head.get();
            next.set(slot, (int) (h & SLOT_MASK));
            if (head.compareAndSet(h, bumped(h, slot + 1))) {
                return;
            }
        }
    }

    private static long bumped(long head, int top) {
        return (((head >>> 32) + 1) << 32) | (top & SLOT_MASK);
    }

    @Override
    public int size() {
        return next.length();
    }
}
