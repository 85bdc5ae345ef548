package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A transport connected to a bare accepting server on the simulated fabric, under an ActorTestKit with
 * ManualTime. {@link #await} steps the fabric and advances time until a probe has its message.
 */
final class TransportFixture implements AutoCloseable {
    static final String BASE = "frwr-transport {\n"
            + " mr-pool.size = 16\n mr-pool.max-frmr-depth = 16\n recovery.parallelism = 2\n"
            + " send-queue.depth = 64\n send-queue.signal-interval = 8\n receive-queue.depth = 8\n"
            + " connection.reconnect.min-backoff = 100ms\n connection.reconnect.max-backoff = 200ms\n"
            + " connection.reconnect.random-factor = 0\n recovery.restart-backoff-min = 100ms\n"
            + " recovery.restart-backoff-max = 200ms\n}\n";

    final ActorTestKit kit;
    final ManualTime time;
    final SimFabric fabric;
    final SimDevice client;
    final SimDevice server;
    final TransportSettings settings;
    final ActorRef<RdmaTransport.Command> transport;
    final TestProbe<RdmaTransport.Inbound> inbound;
    final TestProbe<TransportEvent> events;
    final List<QueuePair> serverQps = new CopyOnWriteArrayList<>();
    private final ProtectionDomain serverPd;

    TransportFixture(SimMode mode, SimCosts costs, String config) throws VerbsException {
        this(mode, costs, config, d -> d);
    }

    TransportFixture(SimMode mode, SimCosts costs, String config, Function<RdmaDevice, RdmaDevice> wrapClient)
            throws VerbsException {
        kit = ActorTestKit.create("transport-test", ManualTime.config().withFallback(ConfigFactory.load()));
        time = ManualTime.get(kit.system());
        fabric = SimFabric.builder().seed(7L).mode(mode).costs(costs).build();
        client = fabric.endpoint("client");
        server = fabric.endpoint("server");
        serverPd = server.allocPd();
        server.connectionManager().listen("server", req -> {
            try {
                final CompletionQueue cq = server.createCq(512);
                final QueuePair qp = req.accept(new ConnectParams(serverPd, cq, cq, 256, 64, null,
                        Duration.ofSeconds(5)), ev -> { });
                for (int i = 0; i < 64; i++) {
                    final DmaBuffer b = server.mapBuffer(ByteBuffer.allocateDirect(4096));
                    qp.postRecv(new RecvWr(i, b.segment(0, 4096)));
                }
                serverQps.add(qp);
            } catch (VerbsException e) {
                throw new IllegalStateException(e);
            }
        });
        settings = TransportSettings.fromConfig(ConfigFactory.parseString(BASE + config)
                .withFallback(ConfigFactory.load()));
        transport = kit.spawn(RdmaTransport.create(settings, wrapClient.apply(client), ConnectionSpec.to("server")));
        inbound = kit.createTestProbe(RdmaTransport.Inbound.class);
        events = kit.createTestProbe(TransportEvent.class);
        transport.tell(new RdmaTransport.Subscribe(inbound.getRef()));
        transport.tell(new RdmaTransport.WatchEvents(events.getRef()));
    }

    /** Step the fabric and let manual time pass until {@code probe} receives a message of {@code type}. */
    <T, M extends T> M await(TestProbe<T> probe, Class<M> type) {
        return probe.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(2), () -> {
            stepAll();
            time.timePasses(Duration.ofMillis(20));
            final T m = probe.receiveMessage(Duration.ofMillis(5));
            if (!type.isInstance(m)) {
                throw new AssertionError("expected " + type.getSimpleName() + " but got " + m);
            }
            return type.cast(m);
        });
    }

    /** Runs every pending event on a stepped fabric; a free-running fabric runs by itself. */
    void stepAll() {
        if (fabric.mode() == SimMode.STEPPED) {
            fabric.runUntilQuiet(100_000);
        }
    }

    /** Wait until the transport is connected (epoch n). */
    RdmaTransport.ConnectionUp awaitUp() {
        return await(inbound, RdmaTransport.ConnectionUp.class);
    }

    Segment segment(int length) throws VerbsException {
        final DmaBuffer b = client.mapBuffer(ByteBuffer.allocateDirect(length));
        return b.segment(0, length);
    }

    RdmaTransport.Registered register(Direction dir, Segment... segments) {
        final RdmaTransport.RegisterReply r = registerReply(dir, segments);
        if (!(r instanceof RdmaTransport.Registered ok)) {
            throw new AssertionError("registration failed: " + r);
        }
        return ok;
    }

    RdmaTransport.RegisterReply registerReply(Direction dir, Segment... segments) {
        final TestProbe<RdmaTransport.RegisterReply> p = kit.createTestProbe(RdmaTransport.RegisterReply.class);
        transport.tell(new RdmaTransport.Register(List.of(new ChunkRequest(List.of(segments), dir)), 1, p.getRef()));
        return await(p, RdmaTransport.RegisterReply.class);
    }

    TestProbe<RdmaTransport.Invalidated> invalidate(Registration reg) {
        final TestProbe<RdmaTransport.Invalidated> p = kit.createTestProbe(RdmaTransport.Invalidated.class);
        transport.tell(RdmaTransport.Invalidate.of(reg, p.getRef()));
        return p;
    }

    TransportCounters.Snapshot counters() {
        final TestProbe<TransportCounters.Snapshot> p = kit.createTestProbe(TransportCounters.Snapshot.class);
        transport.tell(new RdmaTransport.GetCounters(p.getRef()));
        return p.receiveMessage(Duration.ofSeconds(10));
    }

    /** Step and let time pass until the pool is back to all-free with nothing registered or recovering. */
    TransportCounters.Snapshot awaitPoolQuiet(int expectedFree) {
        final TestProbe<Object> guard = kit.createTestProbe();
        return guard.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(5), () -> {
            stepAll();
            time.timePasses(Duration.ofMillis(20));
            final TransportCounters.Snapshot s = counters();
            final PoolOccupancy o = s.occupancy();
            if (o.free() != expectedFree || o.recovering() != 0 || o.registered() != 0) {
                throw new AssertionError("pool not quiet yet: " + o);
            }
            return s;
        });
    }

    QueuePair clientQp() {
        for (QueuePair qp : fabric.queuePairs()) {
            if (!serverQps.contains(qp) && qp.state() == io.frwr.verbs.QpState.RTS) {
                return qp;
            }
        }
        throw new AssertionError("no client QP in RTS");
    }

    @Override
    public void close() {
        // Stopped, not shut down: the transport's CoordinatedShutdown task would wait for a Shutdown that, on a
        // stepped fabric under ManualTime, only a test that steps can finish. Stopping cancels the task, and the
        // stopping pool deregisters its MRs.
        kit.stop(transport, Duration.ofSeconds(20));
        kit.shutdownTestKit();
        fabric.close();
    }
}
