package io.frwr.bench;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain-Java pool models hand each MR to one owner at a time and lose none, also under contention. */
class MrPoolModelsTest {

    @Test
    void perChunkPoolsHandOutEverySlotOnceThenRefuse() {
        for (IntFunction<ChunkMrPool> make : java.util.List.<IntFunction<ChunkMrPool>>of(LockedMrPool::new,
                LockFreeMrPool::new)) {
            final ChunkMrPool pool = make.apply(8);
            final Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                final int slot = pool.acquire();
                assertTrue(slot >= 0 && slot < 8, "slot " + slot);
                assertTrue(seen.add(slot), "slot " + slot + " handed out twice");
            }
            assertEquals(-1, pool.acquire(), pool.getClass().getSimpleName() + " must refuse when empty");
            pool.release(3);
            assertEquals(3, pool.acquire());
        }
    }

    @Test
    void badSlotsAreRefusedWithTheRange() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LockedMrPool(4).release(4));
        assertTrue(e.getMessage().contains("[0, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LockFreeMrPool(4).release(-1));
        assertThrows(IllegalArgumentException.class, () -> new LockedMrPool(0));
        final IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> new LockedMrPool(2).release(1));
        assertTrue(twice.getMessage().contains("released twice"), twice.getMessage());
    }

    @Test
    void batchPoolTakesAWholeBatchOrNothing() {
        final BatchLockedMrPool pool = new BatchLockedMrPool(100, 64);
        final int[] a = new int[64];
        final int[] b = new int[64];
        assertTrue(pool.get(a));
        assertEquals(36, pool.freeCount());
        assertFalse(pool.get(b), "36 free MRs cannot make a batch of 64");
        assertEquals(36, pool.freeCount(), "a refused batch takes nothing");
        assertArrayEquals(new int[64], b);
        pool.put(a);
        assertEquals(100, pool.freeCount());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchLockedMrPool(10, 64));
        assertTrue(e.getMessage().contains("between 1 and the pool size 10"), e.getMessage());
    }

    @Test
    void contendedCallersNeverShareAnMrAndLoseNone() throws Exception {
        final int threads = 4;
        final int rounds = 20_000;
        final LockFreeMrPool lockFree = new LockFreeMrPool(threads);
        final LockedMrPool locked = new LockedMrPool(threads);
        for (ChunkMrPool pool : new ChunkMrPool[] {lockFree, locked}) {
            final int[] owner = new int[threads];
            java.util.Arrays.fill(owner, -1);
            final ExecutorService ex = Executors.newFixedThreadPool(threads);
            final CountDownLatch start = new CountDownLatch(1);
            final java.util.List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int me = t;
                results.add(ex.submit(() -> {
                    start.await();
                    int clashes = 0;
                    for (int i = 0; i < rounds; i++) {
                        final int slot = pool.acquire();
                        if (slot < 0) {
                            continue; // as many MRs as threads, so empty is possible for a moment
                        }
                        synchronized (owner) {
                            if (owner[slot] != -1) {
                                clashes++;
                            }
                            owner[slot] = me;
                        }
                        synchronized (owner) {
                            owner[slot] = -1;
                        }
                        pool.release(slot);
                    }
                    return clashes;
                }));
            }
            start.countDown();
            int clashes = 0;
            for (Future<Integer> f : results) {
                clashes += f.get(60, TimeUnit.SECONDS);
            }
            ex.shutdown();
            assertEquals(0, clashes, pool.getClass().getSimpleName() + " gave one MR to two callers");
            final Set<Integer> all = new HashSet<>();
            for (int i = 0; i < threads; i++) {
                all.add(pool.acquire());
            }
            assertEquals(Set.of(0, 1, 2, 3), all, pool.getClass().getSimpleName() + " lost an MR");
        }
    }
}
