package io.frwr.bench;

import java.util.concurrent.locks.ReentrantLock;

/** Per-chunk acquisition from a free list behind one plain lock (the seed's rb_lock, taken per MR). */
public final class LockedMrPool implements ChunkMrPool {
    private final ReentrantLock lock = new ReentrantLock();
    private final SlotStack free;

    public LockedMrPool(int size) {
        this.free = SlotStack.full(size);
    }

    @Override
    public int acquire() {
        lock.lock();
        try {
            return free.pop();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(int slot) {
        lock.lock();
        try {
            free.push(slot);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        return free.capacity();
    }
}
