package io.frwr.actors;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is left when the ActorSystem stops without anyone sending Shutdown: nothing. Each transport's
 * CoordinatedShutdown task runs the orderly Shutdown; a transport stopped by its parent is cleaned up as it
 * stops. The fabric runs free (completions need no stepping while the system terminates) under ManualTime, so
 * no timer fires unless a test says so: a task that waited on a timeout would hang the termination instead.
 */
class CoordinatedShutdownTest {
    private static final String SMALL = "frwr-transport { mr-pool.size = 8, mr-pool.max-frmr-depth = 16,"
            + " recovery.parallelism = 2, send-queue.depth = 64, send-queue.signal-interval = 8,"
            + " receive-queue.depth = 8 }\n";

    private ActorTestKit kit;
    private SimFabric fabric;
    private SimDevice client;
    /** Completed by the server's CM handler when the peer (the transport) disconnects. */
    private final CompletableFuture<CmEvent.Disconnected> peerSawDisconnect = new CompletableFuture<>();

    private void start(String config) throws VerbsException {
        final Config c = ConfigFactory.parseString(SMALL + config)
                .withFallback(ManualTime.config()).withFallback(ConfigFactory.load());
        kit = ActorTestKit.create("cs-test", c);
        fabric = SimFabric.builder().seed(11L).mode(SimMode.FREE).costs(SimCosts.NONE).build();
        client = fabric.endpoint("client");
        final SimDevice server = fabric.endpoint("server");
        final ProtectionDomain pd = server.allocPd();
        server.connectionManager().listen("server", req -> {
            try {
                final var cq = server.createCq(256);
                req.accept(new ConnectParams(pd, cq, cq, 64, 16, null, Duration.ofSeconds(5)), ev -> {
                    if (ev instanceof CmEvent.Disconnected d) {
                        peerSawDisconnect.complete(d);
                    }
                });
            } catch (VerbsException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void tearDown() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
        if (fabric != null) {
            fabric.close();
        }
    }

    /** Registers one 16 KiB chunk the peer may write, so that an rkey is live when the system stops. */
    private int registerOne(ActorRef<RdmaTransport.Command> transport) throws VerbsException {
        final Segment seg = client.mapBuffer(ByteBuffer.allocateDirect(16 * 1024)).segment(0, 16 * 1024);
        final TestProbe<RdmaTransport.RegisterReply> p = kit.createTestProbe(RdmaTransport.RegisterReply.class);
        transport.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_WRITES, seg)), 1,
                p.getRef()));
        final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                p.receiveMessage(Duration.ofSeconds(20)));
        final int rkey = ok.registration().chunk(0).get(0).rkey();
        assertTrue(client.isRkeyLive(rkey));
        return rkey;
    }

    private void terminateAndWait() throws Exception {
        kit.system().terminate();
        kit.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void terminatingTheSystemWithoutShutdownLeavesNoMrAllocatedAndNoRkeyLive() throws Exception {
        start("");
        final TransportSettings settings = TransportSettings.create(kit.system());
        final ActorRef<RdmaTransport.Command> transport =
                kit.spawn(RdmaTransport.create(settings, client, ConnectionSpec.to("server")), "rdma");
        final int rkey = registerOne(transport);
        assertEquals(8, client.liveMrCount());
        assertEquals(1, client.liveRkeyCount());

        terminateAndWait();

        assertEquals(0, client.liveMrCount(), "MRs still allocated in the device");
        assertEquals(0, client.liveRkeyCount(), "rkeys still live in the device");
        assertTrue(!client.isRkeyLive(rkey));
        assertTrue(peerSawDisconnect.get(20, TimeUnit.SECONDS) != null, "the peer saw the disconnect");
    }

    @Test
    void theCoordinatedShutdownTaskRunsTheOrderlyShutdownAndLeavesATombstone() throws Exception {
        // CoordinatedShutdown runs every phase but does not terminate the system, so the transport can be asked
        // afterwards how it ended: through Shutdown (every MR destroyed and counted), not through a stop.
        start("akka.coordinated-shutdown { terminate-actor-system = off, run-by-actor-system-terminate = off }");
        final ActorRef<RdmaTransport.Command> transport =
                kit.spawn(FrwrTransport.get(kit.system()).transport(client, ConnectionSpec.to("server")), "rdma");
        registerOne(transport);

        final Done done = CoordinatedShutdown.get(kit.system()).runAll(CoordinatedShutdown.unknownReason())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertSame(Done.getInstance(), done);

        assertEquals(0, client.liveMrCount());
        assertEquals(0, client.liveRkeyCount());
        assertTrue(peerSawDisconnect.get(20, TimeUnit.SECONDS) != null);
        final TestProbe<TransportCounters.Snapshot> counters = kit.createTestProbe(TransportCounters.Snapshot.class);
        transport.tell(new RdmaTransport.GetCounters(counters.getRef()));
        final TransportCounters.Snapshot s = counters.receiveMessage(Duration.ofSeconds(10));
        assertEquals(8, s.get(TransportCounter.MRS_DESTROYED));
        assertEquals(0, s.occupancy().allocated());
        final TestProbe<RdmaTransport.RegisterReply> late = kit.createTestProbe(RdmaTransport.RegisterReply.class);
        transport.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_READS,
                client.mapBuffer(ByteBuffer.allocateDirect(4096)).segment(0, 4096))), 2, late.getRef()));
        final RdmaTransport.RegisterFailed refused = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                late.receiveMessage(Duration.ofSeconds(10)));
        assertEquals(TransportError.Kind.STOPPED, refused.error().kind());
    }

    @Test
    void aTransportAlreadyShutDownAnswersTheTaskAtOnceWithTheSameCompletion() throws Exception {
        start("akka.coordinated-shutdown { terminate-actor-system = off, run-by-actor-system-terminate = off }");
        final ActorRef<RdmaTransport.Command> transport =
                kit.spawn(RdmaTransport.create(TransportSettings.create(kit.system()), client,
                        ConnectionSpec.to("server")), "rdma");
        registerOne(transport);
        final TestProbe<RdmaTransport.ShutdownComplete> first = kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
        transport.tell(new RdmaTransport.Shutdown(first.getRef()));
        final RdmaTransport.ShutdownComplete complete = first.receiveMessage(Duration.ofSeconds(20));
        assertEquals(0, client.liveMrCount());

        CoordinatedShutdown.get(kit.system()).runAll(CoordinatedShutdown.unknownReason())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        final TestProbe<RdmaTransport.ShutdownComplete> again = kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
        transport.tell(new RdmaTransport.Shutdown(again.getRef()));
        assertSame(complete, again.receiveMessage(Duration.ofSeconds(10)));
    }

    @Test
    void aTransportStoppedByItsParentDeregistersEveryMrAndDisconnectsAndCancelsItsTask() throws Exception {
        start("");
        final ActorRef<RdmaTransport.Command> transport =
                kit.spawn(RdmaTransport.create(TransportSettings.create(kit.system()), client,
                        ConnectionSpec.to("server")), "rdma");
        final int rkey = registerOne(transport);
        final TestProbe<Object> watcher = kit.createTestProbe();

        kit.stop(transport, Duration.ofSeconds(20));
        watcher.expectTerminated(transport, Duration.ofSeconds(20));

        assertEquals(0, client.liveMrCount(), "the MR pool deregistered what it held as it stopped");
        assertEquals(0, client.liveRkeyCount());
        assertTrue(!client.isRkeyLive(rkey));
        assertTrue(peerSawDisconnect.get(20, TimeUnit.SECONDS) != null, "the QueuePair actor disconnected");
        // Its CoordinatedShutdown task was cancelled: were it not, it would ask a stopped actor and, with no
        // timer firing under ManualTime, termination would never finish.
        terminateAndWait();
    }
}
