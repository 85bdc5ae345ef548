package io.frwr.bench;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The old design, modelled in plain Java: rpcrdma_buffer_get reserves a whole batch of MRs (64) for every
 * call under the buffer lock, whether the call registers one chunk or sixty-four, and rpcrdma_buffer_put
 * returns them all under the same lock.
 */
public final class BatchLockedMrPool {
    private final ReentrantLock lock = new ReentrantLock();
    private final SlotStack free;
    private final int batchSize;

    public BatchLockedMrPool(int size, int batchSize) {
        if (batchSize < 1 || batchSize > size) {
            throw new IllegalArgumentException("batch size must be between 1 and the pool size " + size + ", was "
                    + batchSize);
        }
        this.free = SlotStack.full(size);
        this.batchSize = batchSize;
    }

    /** Fill {@code into} (batchSize long) with a whole batch, or take nothing and return false. */
    public boolean get(int[] into) {
        if (into.length != batchSize) {
            throw new IllegalArgumentException("a batch is " + batchSize + " MRs, the array holds " + into.length);
        }
        lock.lock();
        try {
            if (free.count() < batchSize) {
                return false;
            }
            for (int i = 0; i < batchSize; i++) {
                into[i] = free.pop();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Return a whole batch that {@link #get} handed out. */
    public void put(int[] batch) {
        if (batch.length != batchSize) {
            throw new IllegalArgumentException("a batch is " + batchSize + " MRs, the array holds " + batch.length);
        }
        lock.lock();
        try {
            for (int slot : batch) {
                free.push(slot);
            }
        } finally {
            lock.unlock();
        }
    }

    public int batchSize() {
        return batchSize;
    }

    /** Free MRs now (takes the lock). */
    public int freeCount() {
        lock.lock();
        try {
            return free.count();
        } finally {
            lock.unlock();
        }
    }
}
