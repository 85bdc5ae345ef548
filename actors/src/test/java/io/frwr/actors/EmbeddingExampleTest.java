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
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Embedding the transport" example, kept compiling and running here. */
class EmbeddingExampleTest {
    // --- README example begins ---
    /** A guardian of the user's own system that owns one transport and registers one 64 KiB buffer. */
    static Behavior<Void> app(RdmaDevice device, ActorRef<RdmaTransport.Invalidated> done) {
        return Behaviors.setup(ctx -> {
            TransportSettings settings = TransportSettings.fromConfig(ctx.getSystem().settings().config());
            ActorRef<RdmaTransport.Command> transport =
                    ctx.spawn(RdmaTransport.create(settings, device, ConnectionSpec.to("server")), "rdma");

            Segment buffer = device.mapBuffer(ByteBuffer.allocateDirect(64 * 1024)).segment(0, 64 * 1024);
            ActorRef<RdmaTransport.RegisterReply> onRegistered = ctx.messageAdapter(
                    RdmaTransport.RegisterReply.class, reply -> {
                        if (reply instanceof RdmaTransport.Registered ok) {
                            // Advertise ok.registration().chunk(0) to the peer, let it READ/WRITE, then:
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
    void theReadmeExampleRegistersAndInvalidatesInAUserSystem() throws Exception {
        final ActorTestKit kit = ActorTestKit.create("user-system", CONFIG);
        final SimFabric fabric = SimFabric.builder().seed(3L).build();
        try {
            final SimDevice client = fabric.endpoint("client");
            final SimDevice server = fabric.endpoint("server");
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
            kit.spawn(app(client, done.getRef()), "app");
            final RdmaTransport.Invalidated inv = done.receiveMessage(Duration.ofSeconds(20));
            assertTrue(inv.fenced());
            assertEquals(1, inv.registration().chunks().size());
            assertEquals(512, client.liveMrCount(), "the pool size came from the user's config");
        } finally {
            kit.shutdownTestKit();
            fabric.close();
        }
    }
}
