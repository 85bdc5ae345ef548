package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsProviders;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The device a transport runs on is reachable however the transport was made, so buffers can be mapped on it. */
class DeviceAccessTest {

    @Test
    void aTransportMadeByNameHandsOutItsDeviceAndMemoryMappedThereRegisters() throws Exception {
        final ActorTestKit kit = ActorTestKit.create("get-device",
                ConfigFactory.parseString("frwr-transport { provider = sim, mr-pool.size = 4 }")
                        .withFallback(ConfigFactory.load()));
        try {
            final RdmaDevice server = VerbsProviders.open("sim", "get-device-server");
            final var spd = server.allocPd();
            final var scq = server.createCq(64);
            server.connectionManager().listen("get-device-server", req -> {
                try {
                    req.accept(new ConnectParams(spd, scq, scq, 64, 16, null, Duration.ofSeconds(5)), e -> { });
                } catch (io.frwr.verbs.VerbsException e) {
                    throw new IllegalStateException(e);
                }
            });
            final var transport = kit.spawn(RdmaTransport.create(TransportSettings.create(kit.system()),
                    "get-device-client", ConnectionSpec.to("get-device-server")));

            final TestProbe<RdmaDevice> device = kit.createTestProbe(RdmaDevice.class);
            transport.tell(new RdmaTransport.GetDevice(device.getRef()));
            final RdmaDevice mine = device.receiveMessage(Duration.ofSeconds(10));
            final TestProbe<RdmaTransport.RegisterReply> p = kit.createTestProbe(RdmaTransport.RegisterReply.class);
            transport.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_READS,
                    mine.mapBuffer(ByteBuffer.allocateDirect(4096)).segment(0, 4096))), 1, p.getRef()));
            assertInstanceOf(RdmaTransport.Registered.class, p.receiveMessage(Duration.ofSeconds(20)));
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void theExtensionsTransportByNameRunsOnTheDeviceOfThatNameEvenAfterShutdown() throws Exception {
        final ActorTestKit kit = ActorTestKit.create("ext-device", ConfigFactory.load());
        try {
            final FrwrTransport frwr = FrwrTransport.get(kit.system());
            final var transport = kit.spawn(frwr.transport("ext-device-client", ConnectionSpec.to("nobody")));
            final TestProbe<RdmaDevice> device = kit.createTestProbe(RdmaDevice.class);
            transport.tell(new RdmaTransport.GetDevice(device.getRef()));
            assertSame(frwr.device("ext-device-client"), device.receiveMessage(Duration.ofSeconds(10)));

            final TestProbe<RdmaTransport.ShutdownComplete> done = kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
            transport.tell(new RdmaTransport.Shutdown(done.getRef()));
            done.receiveMessage(Duration.ofSeconds(20));
            transport.tell(new RdmaTransport.GetDevice(device.getRef()));
            assertSame(frwr.device("ext-device-client"), device.receiveMessage(Duration.ofSeconds(10)));
        } finally {
            kit.shutdownTestKit();
        }
    }
}
