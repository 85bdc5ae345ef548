package io.frwr.bench;

import io.frwr.actors.Handle;
import io.frwr.frwr.KeyByte;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RKey;
import io.frwr.verbs.Segment;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimStats;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmarked cycles really do the FRWR cycle: the peer's WRITE lands, and the old rkey is dead after. */
class FrwrCycleTest {
    @Test
    void directEngineWritesThroughAFreshRkeyAndInvalidatesIt() throws Exception {
        try (SimPair pair = new SimPair(SimCosts.NONE)) {
            final DirectFrwrEngine engine = DirectFrwrEngine.connect(pair, 1, 4096);
            final DmaBuffer buf = pair.client().mapBuffer(ByteBuffer.allocateDirect(4096));
            final Segment chunk = buf.segment(0, 4096);
            final int first = engine.cycle(chunk);
            for (int i = 0; i < 4096; i++) {
                assertEquals(PeerWriter.patternAt(i), buf.buffer().get(i), "byte " + i + " of the peer's WRITE");
            }
            final int second = engine.cycle(chunk);
            assertEquals(KeyByte.bump(first), second, "one MR: each cycle bumps its key byte");
            assertEquals(1, engine.freeCount(), "the MR is back on the free list after the cycle");
            // The first rkey was invalidated: a peer still holding it is refused (and its QP breaks).
            final PeerWriter late = new PeerWriter(pair, 4096);
            assertThrows(IllegalStateException.class, () -> late.write(new Handle(first, 4096, chunk.address())));
            assertTrue(pair.fabric().stats().remoteAccessDenied().get(SimStats.DenyReason.INVALID) >= 1);
            assertEquals(0, pair.fabric().stats().staleRkeyAccessSucceeded());
            assertEquals(RKey.index(first), RKey.index(second));
        }
    }

    @Test
    void actorDriverCompletesEveryCycleWithAFence() throws Exception {
        final ActorCycleBenchmark bench = new ActorCycleBenchmark();
        bench.inflight = 16;
        bench.setUp();
        try {
            assertEquals(ActorCycleBenchmark.CALLS, bench.actorPipeline());
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void poolDriverAcquiresAndReleasesEveryCall() throws Exception {
        final PoolActorBenchmark bench = new PoolActorBenchmark();
        bench.inflight = 64;
        bench.setUp();
        try {
            assertEquals(PoolActorBenchmark.CALLS, bench.acquireReleaseFromActor());
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void callWindowRejectsAWindowLargerThanTheCalls() throws Exception {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CallWindow(4, 8, new CompletableFuture<>()));
        assertTrue(e.getMessage().contains("between 1 and calls (4)"), e.getMessage());
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        final CallWindow w = new CallWindow(3, 2, done);
        assertEquals(2, w.opening());
        assertTrue(w.finishOne(), "the third call starts when the first ends");
        w.finishOne();
        assertTrue(!w.finishOne() && done.isDone());
        assertEquals(3, done.get(1, TimeUnit.SECONDS));
    }
}
