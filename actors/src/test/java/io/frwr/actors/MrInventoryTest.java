package io.frwr.actors;

import io.frwr.verbs.FastRegMr;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MrInventoryTest {
    private static FastRegMr fakeMr(int rkey) {
        return new FastRegMr() {
            int key = rkey;

            public int rkey() {
                return key;
            }

            public int lkey() {
                return key;
            }

            public int maxPages() {
                return 16;
            }

            public void updateKey(int keyByte) {
                key = (key & ~0xFF) | keyByte;
            }

            public boolean isDeregistered() {
                return false;
            }
        };
    }

    @Test
    void conservationHoldsThroughEveryMove() {
        final MrInventory inv = new MrInventory();
        for (int i = 0; i < 4; i++) {
            inv.add(fakeMr(0x100 * (i + 1)), null, 0);
        }
        final PooledMr a = inv.pollFree();
        final PooledMr b = inv.pollFree();
        assertTrue(inv.occupancy().conserved());
        assertTrue(inv.toRecovery(a));
        inv.orphaned(a);
        inv.add(fakeMr(0x900), null, 0);
        assertTrue(inv.release(b, b.generation()));
        final PoolOccupancy o = inv.occupancy();
        assertEquals(new PoolOccupancy(5, 4, 0, 0, 1), o);
        assertTrue(o.conserved());
    }

    @Test
    void aStaleReleaseCannotHandAnMrToTwoOwners() {
        final MrInventory inv = new MrInventory();
        inv.add(fakeMr(0x100), null, 0);
        final PooledMr p = inv.pollFree();
        final int gen = p.generation();
        assertTrue(inv.release(p, gen));
        assertFalse(inv.release(p, gen), "a second release of the same lease must be refused");
        assertSame(p, inv.pollFree());
        assertNull(inv.pollFree(), "one MR, one owner");
        p.deregistered();
        assertFalse(inv.release(p, gen), "a release from before the MR was recovered must be refused");
    }

    @Test
    void illegalMovesAreRefusedLoudly() {
        final MrInventory inv = new MrInventory();
        final PooledMr p = inv.add(fakeMr(0x100), null, 0);
        assertThrows(IllegalStateException.class, () -> inv.recovered(p));
    }

    @Test
    void fenceReleasesOnceAllMrsAreSafe() {
        final AtomicInteger fenced = new AtomicInteger();
        final Fence f = new Fence(2, fenced::incrementAndGet);
        f.countDown();
        assertEquals(0, fenced.get());
        f.countDown();
        assertEquals(1, fenced.get());
        assertThrows(IllegalStateException.class, f::countDown);
        final AtomicBoolean empty = new AtomicBoolean();
        new Fence(0, () -> empty.set(true));
        assertTrue(empty.get(), "nothing to fence: released at once");
    }

    @Test
    void deregistrationReleasesFenceWaitersAndLateWaitersAtOnce() {
        final PooledMr p = new MrInventory().add(fakeMr(0x100), null, 0);
        final int gen = p.generation();
        final AtomicBoolean first = new AtomicBoolean();
        p.fenceOnDeregistration(new Fence(1, () -> first.set(true)), gen);
        assertFalse(first.get());
        p.deregistered();
        assertTrue(first.get());
        final AtomicBoolean late = new AtomicBoolean();
        p.fenceOnDeregistration(new Fence(1, () -> late.set(true)), gen);
        assertTrue(late.get(), "a waiter for an already dead generation is released at once");
    }
}
