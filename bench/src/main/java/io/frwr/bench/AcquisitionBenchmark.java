package io.frwr.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.concurrent.TimeUnit;

/**
 * MR acquisition for one call that registers one chunk, in the plain-Java models: the old batch-of-64
 * under a lock, one MR under a lock, one MR from a lock-free stack. One op = acquire and release for one
 * call. Run with {@code -t 1, 2, 16, 64} for that many concurrent callers; the score is calls per
 * microsecond summed over callers, so ns per call = 1000 / score.
 *
 * <p>The pool holds 64 MRs per caller, so no caller ever finds it empty: this prices the list and its lock,
 * not exhaustion (the load generator measures that).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AcquisitionBenchmark {
    static final int BATCH = 64;

    @State(Scope.Benchmark)
    public static class Pools {
        BatchLockedMrPool batch;
        LockedMrPool locked;
        LockFreeMrPool lockFree;

        @Setup
        public void setUp(BenchmarkParams params) {
            final int size = Math.max(1, params.getThreads()) * BATCH;
            batch = new BatchLockedMrPool(size, BATCH);
            locked = new LockedMrPool(size);
            lockFree = new LockFreeMrPool(size);
        }
    }

    @State(Scope.Thread)
    public static class Caller {
        final int[] batch = new int[BATCH];
    }

    @Benchmark
    public int batch64UnderLock(Pools pools, Caller caller) {
        if (!pools.batch.get(caller.batch)) {
            throw new IllegalStateException("batch pool empty: it is sized for 64 MRs per caller");
        }
        final int first = caller.batch[0];
        pools.batch.put(caller.batch);
        return first;
    }

    @Benchmark
    public int perChunkUnderLock(Pools pools) {
        return cycle(pools.locked);
    }

    @Benchmark
    public int perChunkLockFree(Pools pools) {
        return cycle(pools.lockFree);
    }

    private static int cycle(ChunkMrPool pool) {
        final int slot = pool.acquire();
        if (slot < 0) {
            throw new IllegalStateException("per-chunk pool empty: it is sized for 64 MRs per caller");
        }
        pool.release(slot);
        return slot;
    }
}
