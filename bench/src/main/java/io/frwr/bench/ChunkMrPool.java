package io.frwr.bench;

/**
 * A plain-Java model of a per-chunk MR free list: MRs are slot numbers 0..size-1, one taken per registered
 * chunk and given back after its LOCAL_INV is posted. Used to price the list itself, without verbs.
 */
public interface ChunkMrPool {
    /** One free MR's slot, or -1 if none is free. */
    int acquire();

    /** Give back a slot that {@link #acquire()} returned. */
    void release(int slot);

    /** MRs the pool was built with. */
    int size();
}
