package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.TransportSettings;
import io.frwr.frwr.MrEvent;
import io.frwr.frwr.MrState;
import io.frwr.verbs.RKey;
import io.frwr.verbs.sim.SimFabric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MrPool actor on its own: the seed's acquire loop and the books. */
class MrPoolTest {
    private final ActorTestKit kit = ActorTestKit.create();
    private final SimFabric fabric = SimFabric.builder().seed(5L).build();
    private final ExecutorService recovery = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        recovery.shutdownNow();
        fabric.close();
    }

    private ActorRef<MrPool.Command> pool(TransportCounters counters, String config) throws Exception {
        final TransportSettings settings = TransportSettings.fromConfig(ConfigFactory.parseString(config)
                .withFallback(ConfigFactory.load()));
        return kit.spawn(MrPool.standalone(settings, fabric.endpoint("client"), 16, counters, recovery));
    }

    @Test
    void anMrThatIsNotInvalidIsRecoveredAndTheNextOneTaken() throws Exception {
        final TransportCounters counters = new TransportCounters();
        final ActorRef<MrPool.Command> pool = pool(counters, "frwr-transport.mr-pool.size = 2");
        final TestProbe<MrPool.AcquireReply> p = kit.createTestProbe(MrPool.AcquireReply.class);
        pool.tell(new MrPool.Acquire(1, 2, p.getRef()));
        final List<PooledMr> both = assertInstanceOf(MrPool.Acquired.class, p.receiveMessage()).mrs();
        final PooledMr flushed = both.get(0);
        final int oldIndex = RKey.index(flushed.mr().rkey());
        // Its LOCAL_INV was posted (so it went back to the pool) and then flushed: hardware state unknown.
        flushed.apply(MrEvent.MAP);
        flushed.apply(MrEvent.UNMAP);
        flushed.apply(MrEvent.LOCAL_INV_FLUSHED);
        pool.tell(MrPool.Release.unmapped(both));

        pool.tell(new MrPool.Acquire(2, 1, p.getRef()));
        final PooledMr taken = assertInstanceOf(MrPool.Acquired.class, p.receiveMessage()).mrs().get(0);
        assertNotEquals(flushed, taken, "a STALE MR must never be handed out for FAST_REG");
        assertEquals(MrState.INVALID, taken.state());
        assertEquals(1, counters.get(TransportCounter.STALE_MRS_SKIPPED));

        // Recovery gives the skipped slot a fresh MR (new index, so no old rkey can reach it) and returns it.
        final TestProbe<PoolOccupancy> occ = kit.createTestProbe(PoolOccupancy.class);
        occ.awaitAssert(Duration.ofSeconds(10), () -> {
            pool.tell(new MrPool.GetOccupancy(occ.getRef()));
            final PoolOccupancy o = occ.receiveMessage();
            assertEquals(new PoolOccupancy(2, 1, 1, 0, 0), o);
            return o;
        });
        assertEquals(1, counters.get(TransportCounter.MRS_RECOVERED));
        assertEquals(MrState.INVALID, flushed.state());
        assertNotEquals(oldIndex, RKey.index(flushed.mr().rkey()));
        assertTrue(flushed.generation() > 0);
    }

    @Test
    void whenTheOnlyFreeMrIsStaleTheRequestIsRefusedNotHandedABrokenMr() throws Exception {
        final TransportCounters counters = new TransportCounters();
        final ActorRef<MrPool.Command> pool = pool(counters, "frwr-transport.mr-pool.size = 1");
        final TestProbe<MrPool.AcquireReply> p = kit.createTestProbe(MrPool.AcquireReply.class);
        pool.tell(new MrPool.Acquire(1, 1, p.getRef()));
        final List<PooledMr> one = assertInstanceOf(MrPool.Acquired.class, p.receiveMessage()).mrs();
        one.get(0).apply(MrEvent.MAP); // registered when the QP broke
        pool.tell(MrPool.Release.unmapped(one));
        pool.tell(new MrPool.Acquire(2, 1, p.getRef()));
        final MrPool.AcquireRefused refused = assertInstanceOf(MrPool.AcquireRefused.class, p.receiveMessage());
        assertTrue(refused.reason().startsWith("no MR free"), refused.reason());
        assertEquals(1, counters.get(TransportCounter.NO_MR_FAILURES));
    }
}
