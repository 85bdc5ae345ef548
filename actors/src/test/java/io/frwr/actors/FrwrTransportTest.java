package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.SettingsException;
import io.frwr.config.WhenExhausted;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.Errno;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.VerbsProviders;
import io.frwr.verbs.sim.SimDevice;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrwrTransportTest {
    private static ActorTestKit kit(String name, String config) {
        return ActorTestKit.create(name, ConfigFactory.parseString(config).withFallback(ConfigFactory.load()));
    }

    @Test
    void oneExtensionPerSystemHoldsTheSettingsOfItsConfigAndTheExecutorSizedThere() {
        final ActorTestKit kit = kit("ext-settings", "frwr-transport { mr-pool.size = 12, blocking-verbs.threads = 3 }");
        try {
            final FrwrTransport ext = FrwrTransport.get(kit.system());
            assertSame(ext, FrwrTransport.get(kit.system()));
            assertSame(ext, kit.system().extension(FrwrTransport.ID));
            assertEquals(12, ext.settings().mrPool().size());
            assertEquals(3, ext.systemSettings().blockingVerbsThreads());
            assertEquals(3, ((ThreadPoolExecutor) ext.blockingVerbsExecutor()).getMaximumPoolSize());
            assertFalse(ext.systemSettings().sharedSimFabric());
            // withX copies for what users size, validated like config.
            assertEquals(WhenExhausted.WAIT, ext.settings().withWhenExhausted(WhenExhausted.WAIT).mrPool().whenExhausted());
            final SettingsException bad = assertThrows(SettingsException.class,
                    () -> ext.settings().withRecoveryParallelism(0));
            assertEquals("frwr-transport.recovery.parallelism = 0: must be between 1 and 1024", bad.getMessage());
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void aBadValueFailsTheExtensionNamingTheKey() {
        final ActorTestKit kit = kit("ext-bad", "frwr-transport.blocking-verbs.threads = 0");
        try {
            final SettingsException e = assertThrows(SettingsException.class, () -> FrwrTransport.get(kit.system()));
            assertEquals("frwr-transport.blocking-verbs.threads = 0: must be between 1 and 1024", e.getMessage());
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void eachSystemHasASimFabricOfItsOwnUnlessConfiguredShared() throws Exception {
        final ActorTestKit a = kit("ext-a", "");
        final ActorTestKit b = kit("ext-b", "");
        final ActorTestKit shared = kit("ext-shared", "frwr-transport.sim.shared-fabric = on");
        try {
            final SimDevice inA = (SimDevice) FrwrTransport.get(a.system()).device("server");
            final SimDevice inB = (SimDevice) FrwrTransport.get(b.system()).device("server");
            assertSame(inA, FrwrTransport.get(a.system()).device("server"), "one device per name and system");
            assertNotSame(inA.fabric(), inB.fabric(), "two systems never share a fabric by default");
            final RdmaDevice jvmWide = VerbsProviders.open("sim", "ext-shared-server");
            assertSame(jvmWide, FrwrTransport.get(shared.system()).device("ext-shared-server"));
        } finally {
            a.shutdownTestKit();
            b.shutdownTestKit();
            shared.shutdownTestKit();
        }
    }

    @Test
    void afterTerminationTheExecutorIsShutDownAndTheSystemsFabricIsClosed() throws Exception {
        final ActorTestKit kit = kit("ext-release", "");
        final FrwrTransport ext = FrwrTransport.get(kit.system());
        final SimDevice device = (SimDevice) ext.device("client");
        kit.shutdownTestKit();
        ext.whenReleased().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(ext.blockingVerbsExecutor().isTerminated());
        assertTrue(device.isClosed());
        final VerbsException e = assertThrows(VerbsException.class, () -> ext.device("client"));
        assertEquals(Errno.ENODEV, e.errno());
    }

    @Test
    void aTransportByDeviceNameConnectsToAListenerOnTheSameSystemsFabric() throws Exception {
        final ActorTestKit kit = kit("ext-by-name", "frwr-transport.mr-pool.size = 4");
        try {
            final FrwrTransport frwr = FrwrTransport.get(kit.system());
            final RdmaDevice server = frwr.device("server");
            final var spd = server.allocPd();
            final var scq = server.createCq(64);
            server.connectionManager().listen("server", req -> {
                try {
                    req.accept(new ConnectParams(spd, scq, scq, 64, 16, null, Duration.ofSeconds(5)), e -> { });
                } catch (VerbsException e) {
                    throw new IllegalStateException(e);
                }
            });
            final var t = kit.spawn(frwr.transport("client", ConnectionSpec.to("server")), "rdma");
            final RdmaDevice client = frwr.device("client");
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
