package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.Segment;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Embedding the transport" example, kept compiling and running here. */
class EmbeddingExampleTest {
    // --- README example begins ---
    /** A guardian of the user's own system that owns one transport and registers one 64 KiB buffer. */
    static Behavior<Void> app(ActorRef<RdmaTransport.Invalidated> done) {
        return Behaviors.setup(ctx -> {
            // This system's settings (application.conf), devices and blocking-verbs executor.
            FrwrTransport frwr = FrwrTransport.get(ctx.getSystem());
            ActorRef<RdmaTransport.Command> transport =
                    ctx.spawn(frwr.transport("client", ConnectionSpec.to("server")), "rdma");

            // The transport's device, to map the buffers it registers.
            RdmaDevice device = frwr.device("client");
            Segment buffer = device.mapBuffer(ByteBuffer.allocateDirect(64 * 1024)).segment(0, 64 * 1024);
            ActorRef<RdmaTransport.RegisterReply> onRegistered = ctx.messageAdapter(
                    RdmaTransport.RegisterReply.class, reply -> {
                        if (reply instanceof RdmaTransport.Registered ok) {
                            // Advertise ok.registration().chunk(0) to the peer, let it RDMA WRITE into it, then:
                            transport.tell(RdmaTransport.Invalidate.of(ok.registration(), done));
                        }
                        return null;
                    });
            transport.tell(new RdmaTransport.Register(
                    List.of(ChunkRequest.of(Direction.PEER_WRITES, buffer)), 1L, onRegistered));
            return Behaviors.empty();
        });
    }

    static final Config CONFIG = ConfigFactory.parseString(
            "frwr-transport {\n"
            + "  mr-pool.size = 512            # MRs per connection\n"
            + "  recovery.parallelism = 8      # deregister/reallocate this many broken MRs at once\n"
            + "}").withFallback(ConfigFactory.load());
    // --- README example ends ---

    @Test
    void theReadmeExampleRegistersAndInvalidatesInAUserSystemAndTerminationReleasesEveryMr() throws Exception {
        final ActorTestKit kit = ActorTestKit.create("user-system", CONFIG);
        // The peer: a bare listener on the same system's simulated fabric, reached by its name.
        final RdmaDevice server = FrwrTransport.get(kit.system()).device("server");
        final var spd = server.allocPd();
        final var scq = server.createCq(64);
        server.connectionManager().listen("server", req -> {
            try {
                req.accept(new ConnectParams(spd, scq, scq, 64, 16, null, Duration.ofSeconds(5)), e -> { });
            } catch (io.frwr.verbs.VerbsException e) {
                throw new IllegalStateException(e);
            }
        });
        final TestProbe<RdmaTransport.Invalidated> done = kit.createTestProbe(RdmaTransport.Invalidated.class);
        kit.spawn(app(done.getRef()), "app");
        final RdmaTransport.Invalidated inv = done.receiveMessage(Duration.ofSeconds(20));
        assertTrue(inv.fenced());
        assertEquals(1, inv.registration().chunks().size());
        final SimDevice client = (SimDevice) FrwrTransport.get(kit.system()).device("client");
        assertEquals(512, client.liveMrCount(), "the pool size came from the user's config");

        kit.shutdownTestKit(); // no Shutdown sent: CoordinatedShutdown runs the transport's
        assertEquals(0, client.liveMrCount());
        assertEquals(0, client.liveRkeyCount());
    }

    /** The README shows the example above as it is written here, so the README's code is code that runs. */
    @Test
    void theReadmeShowsThisExampleVerbatim() throws Exception {
        final String source = Files.readString(Path.of("src/test/java/io/frwr/actors/EmbeddingExampleTest.java"));
        final String readme = Files.readString(Path.of("../README.md"));
        final String begin = "    // --- README example begins ---\n";
        final String example = source.substring(source.indexOf(begin) + begin.length(),
                source.indexOf("\n\n    static final Config CONFIG"));
        final String unindented = example.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .collect(java.util.stream.Collectors.joining("\n"));
        assertTrue(readme.contains("```java\n" + unindented + "\n```"),
                "README.md's embedding example differs from EmbeddingExampleTest's:\n" + unindented);
    }

    @Test
    void twoTransportsInOneSystemKeepSeparatePoolsAndCounters() throws Exception {
        final ActorTestKit kit = ActorTestKit.create("two-transports",
                ConfigFactory.parseString("frwr-transport.mr-pool.size = 8").withFallback(ConfigFactory.load()));
        final SimFabric fabric = SimFabric.builder().seed(4L).build();
        try {
            final SimDevice server = fabric.endpoint("server");
            final var spd = server.allocPd();
            server.connectionManager().listen("server", req -> {
                try {
                    final var cq = server.createCq(64);
                    req.accept(new ConnectParams(spd, cq, cq, 64, 16, null, Duration.ofSeconds(5)), e -> { });
                } catch (io.frwr.verbs.VerbsException e) {
                    throw new IllegalStateException(e);
                }
            });
            final TransportSettings settings = TransportSettings.fromConfig(kit.system().settings().config());
            final SimDevice a = fabric.endpoint("a");
            final SimDevice b = fabric.endpoint("b");
            final var ta = kit.spawn(RdmaTransport.create(settings, a, ConnectionSpec.to("server")), "rdma-a");
            final var tb = kit.spawn(RdmaTransport.create(settings, b, ConnectionSpec.to("server")), "rdma-b");
            final TestProbe<RdmaTransport.RegisterReply> replies = kit.createTestProbe(RdmaTransport.RegisterReply.class);
            for (int i = 0; i < 3; i++) {
                ta.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_READS,
                        a.mapBuffer(ByteBuffer.allocateDirect(4096)).segment(0, 4096))), i, replies.getRef()));
            }
            tb.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_READS,
                    b.mapBuffer(ByteBuffer.allocateDirect(4096)).segment(0, 4096))), 9, replies.getRef()));
            for (int i = 0; i < 4; i++) {
                assertInstanceOf(RdmaTransport.Registered.class, replies.receiveMessage(Duration.ofSeconds(20)));
            }
            final TestProbe<TransportCounters.Snapshot> c = kit.createTestProbe(TransportCounters.Snapshot.class);
            ta.tell(new RdmaTransport.GetCounters(c.getRef()));
            final TransportCounters.Snapshot sa = c.receiveMessage();
            tb.tell(new RdmaTransport.GetCounters(c.getRef()));
            final TransportCounters.Snapshot sb = c.receiveMessage();
            assertEquals(3, sa.get(TransportCounter.REGISTRATIONS));
            assertEquals(1, sb.get(TransportCounter.REGISTRATIONS));
            assertEquals(new PoolOccupancy(8, 5, 3, 0, 0), sa.occupancy());
            assertEquals(new PoolOccupancy(8, 7, 1, 0, 0), sb.occupancy());
            assertEquals(8, a.liveMrCount());
            assertEquals(8, b.liveMrCount());
        } finally {
            kit.shutdownTestKit();
            fabric.close();
        }
    }

    @Test
    void theProviderAndTheDeviceComeFromConfigurationAlone() throws Exception {
        final ActorTestKit kit = ActorTestKit.create("by-name",
                ConfigFactory.parseString("frwr-transport { provider = sim, mr-pool.size = 4 }")
                        .withFallback(ConfigFactory.load()));
        try {
            // A bare listener on the JVM-wide simulated fabric, opened by name like the transport's device.
            final io.frwr.verbs.RdmaDevice server = io.frwr.verbs.VerbsProviders.open("sim", "by-name-server");
            final var spd = server.allocPd();
            final var scq = server.createCq(64);
            server.connectionManager().listen("by-name-server", req -> {
                try {
                    req.accept(new ConnectParams(spd, scq, scq, 64, 16, null, Duration.ofSeconds(5)), e -> { });
                } catch (io.frwr.verbs.VerbsException e) {
                    throw new IllegalStateException(e);
                }
            });
            final TransportSettings settings = TransportSettings.fromConfig(kit.system().settings().config());
            final var t = kit.spawn(RdmaTransport.create(settings, "by-name-client",
                    ConnectionSpec.to("by-name-server")));
            final io.frwr.verbs.RdmaDevice client = io.frwr.verbs.VerbsProviders.open("sim", "by-name-client");
            final TestProbe<RdmaTransport.RegisterReply> p = kit.createTestProbe(RdmaTransport.RegisterReply.class);
            t.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_READS,
                    client.mapBuffer(ByteBuffer.allocateDirect(4096)).segment(0, 4096))), 1, p.getRef()));
            assertInstanceOf(RdmaTransport.Registered.class, p.receiveMessage(Duration.ofSeconds(20)));
            assertEquals(4, ((SimDevice) client).liveMrCount());
        } finally {
            kit.shutdownTestKit();
        }
    }
}
