package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The passive endpoint on a stepped fabric under ManualTime: an {@link RdmaListener} accepts raw-verbs peers, each
 * accepted connection's transport registers memory the peer RDMA READs and WRITEs, and a lost connection ends that
 * connection's transport while the listener keeps accepting.
 */
class PassiveEndpointTest {
    private static final String CONFIG = "frwr-transport {\n mr-pool.size = 8\n mr-pool.max-frmr-depth = 16\n"
            + " recovery.parallelism = 2\n send-queue.depth = 64\n send-queue.signal-interval = 8\n"
            + " receive-queue.depth = 8\n}\n";

    private ActorTestKit kit;
    private ManualTime time;
    private SimFabric fabric;
    private SimDevice server;

    @BeforeEach
    void start() {
        kit = ActorTestKit.create("passive-test", ConfigFactory.parseString(CONFIG)
                .withFallback(ManualTime.config()).withFallback(ConfigFactory.load()));
        time = ManualTime.get(kit.system());
        fabric = SimFabric.builder().seed(5L).mode(SimMode.STEPPED).costs(SimCosts.NONE).build();
        server = fabric.endpoint("server");
    }

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        fabric.close();
    }

    // README "A passive endpoint" shows shareABuffer and the lines that spawn the listener, verbatim (checked below).
    // --- README handler begins ---
    /**
     * Each peer that connects may read and write {@code shared} under one handle, advertised in one SEND as
     * (rkey, length, offset); its connection lasts until the peer says "bye".
     */
    static RdmaListener.Handler shareABuffer(RdmaDevice device, DmaBuffer shared) {
        return connection -> Behaviors.setup(ctx -> {
            DmaBuffer advert = device.mapBuffer(ByteBuffer.allocateDirect(16));
            connection.transport().tell(RdmaTransport.Register.andSend(
                    List.of(ChunkRequest.of(Direction.PEER_READS_AND_WRITES, shared.segment(0, shared.length()))),
                    registration -> {
                        Handle h = registration.chunk(0).get(0);
                        advert.buffer().putInt(0, h.rkey()).putInt(4, h.length()).putLong(8, h.offset());
                        return List.of(advert.segment(0, 16));
                    }, 1L, ctx.getSystem().ignoreRef(), null, 0));
            // Stopping the handler ends the connection: its MRs are deregistered and the peer is disconnected.
            return Behaviors.receiveMessage(m -> m instanceof RdmaTransport.Received r
                    && StandardCharsets.UTF_8.decode(r.message()).toString().equals("bye")
                    ? Behaviors.stopped() : Behaviors.same());
        });
    }
    // --- README handler ends ---

    /** A handler that tells {@code accepted} about its connection and forwards every Inbound to {@code inbound}. */
    static RdmaListener.Handler forwardingTo(ActorRef<RdmaListener.Accepted> accepted,
                                            ActorRef<RdmaTransport.Inbound> inbound) {
        return connection -> {
            accepted.tell(connection);
            return Behaviors.receiveMessage(m -> {
                inbound.tell(m);
                return Behaviors.same();
            });
        };
    }

    /** Step the fabric and let manual time pass until {@code probe} has a message of {@code type}. */
    <T, M extends T> M await(TestProbe<T> probe, Class<M> type) {
        return probe.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(2), () -> {
            if (fabric.mode() == SimMode.STEPPED) {
                fabric.runUntilQuiet(100_000);
            }
            time.timePasses(Duration.ofMillis(20));
            final T m = probe.receiveMessage(Duration.ofMillis(5));
            if (!type.isInstance(m)) {
                throw new AssertionError("expected " + type.getSimpleName() + " but got " + m);
            }
            return type.cast(m);
        });
    }

    /** Returns once {@code listener} has started (and so listens): it answers after its setup ran. */
    ActorRef<RdmaListener.Command> listening(ActorRef<RdmaListener.Command> listener) {
        final TestProbe<RdmaDevice> p = kit.createTestProbe(RdmaDevice.class);
        listener.tell(new RdmaListener.GetDevice(p.getRef()));
        p.receiveMessage(Duration.ofSeconds(10));
        return listener;
    }

    <T> T until(Supplier<T> check) {
        return kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(2), () -> {
            if (fabric.mode() == SimMode.STEPPED) {
                fabric.runUntilQuiet(100_000);
            }
            time.timePasses(Duration.ofMillis(20));
            final T v = check.get();
            if (v == null || Boolean.FALSE.equals(v)) {
                throw new AssertionError("not yet");
            }
            return v;
        });
    }

    /** A raw-verbs active peer: connects, SENDs, and RDMA READs and WRITEs with the handles it is given. */
    final class RawPeer {
        final SimDevice device;
        final CompletionQueue cq;
        final DmaBuffer memory;
        final io.frwr.verbs.ProtectionDomain pd;
        final ConcurrentLinkedQueue<CmEvent> events = new ConcurrentLinkedQueue<>();
        final List<WorkCompletion> completions = new ArrayList<>();
        final java.util.concurrent.CompletableFuture<CmEvent> disconnected = new java.util.concurrent.CompletableFuture<>();
        QueuePair qp;
        long nextWrId = 100;

        RawPeer(String name) throws VerbsException {
            device = fabric.endpoint(name);
            cq = device.createCq(256);
            pd = device.allocPd();
            memory = device.mapBuffer(ByteBuffer.allocateDirect(64 * 1024));
        }

        /** Connect with {@code privateData}; the CM outcome. */
        CmEvent connect(String address, byte[] privateData) {
            events.clear();
            device.connectionManager().connect(address, new ConnectParams(pd, cq, cq, 64, 16,
                    privateData, null), ev -> {
                        if (ev instanceof CmEvent.Established est) {
                            postReceives(est.qp()); // before the passive side can SEND (it may at once)
                        }
                        events.add(ev);
                        if (ev instanceof CmEvent.Disconnected) {
                            disconnected.complete(ev);
                        }
                    }); // no CM timeout: stepping until quiet would jump to it
                                                        // before the listener's actors accept
            final CmEvent ev = until(events::peek);
            if (ev instanceof CmEvent.Established est) {
                qp = est.qp();
            }
            return ev;
        }

        private void postReceives(QueuePair qp) {
            try {
                for (int i = 0; i < 16; i++) {
                    qp.postRecv(new RecvWr(i, memory.segment(32 * 1024 + i * 1024, 1024)));
                }
            } catch (VerbsException e) {
                throw new IllegalStateException(e);
            }
        }

        WorkCompletion post(java.util.function.LongFunction<SendWr> wr) {
            final long id = nextWrId++;
            try {
                qp.postSend(wr.apply(id));
            } catch (VerbsException e) {
                throw new IllegalStateException(e);
            }
            return until(() -> {
                cq.poll(completions, 64);
                for (WorkCompletion wc : completions) {
                    if (wc.wrId() == id) {
                        return wc;
                    }
                }
                return null;
            });
        }

        /** The next message the passive side SENT, as a handle (rkey, length, offset), as the test encodes it. */
        Handle receiveHandle() {
            final WorkCompletion wc = until(() -> {
                cq.poll(completions, 64);
                for (WorkCompletion c : completions) {
                    if (c.wrId() < 100) {
                        completions.remove(c);
                        return c;
                    }
                }
                return null;
            });
            assertEquals(WcStatus.SUCCESS, wc.status());
            final ByteBuffer m = memory.buffer().duplicate();
            m.position(32 * 1024 + (int) wc.wrId() * 1024);
            return new Handle(m.getInt(), m.getInt(), m.getLong());
        }

        WcStatus send(byte[] bytes) {
            memory.buffer().put(0, bytes);
            return post(id -> new SendWr.Send(id, true, List.of(memory.segment(0, bytes.length)))).status();
        }

        WcStatus write(Handle h, byte[] bytes) {
            memory.buffer().put(0, bytes);
            return post(id -> new SendWr.RdmaWrite(id, true, List.of(memory.segment(0, bytes.length)), h.offset(),
                    h.rkey())).status();
        }

        WcStatus read(Handle h, byte[] into) {
            final WorkCompletion wc = post(id -> new SendWr.RdmaRead(id, true,
                    List.of(memory.segment(0, into.length)), h.offset(), h.rkey()));
            if (wc.status() == WcStatus.SUCCESS) {
                memory.buffer().get(0, into);
            }
            return wc.status();
        }
    }

    private static TransportEvent pollEvent(TestProbe<TransportEvent> p) {
        try {
            return p.receiveMessage(Duration.ofMillis(50));
        } catch (AssertionError e) {
            return null;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer b) {
        final byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void aPeerReadsAndWritesWhatAnAcceptedConnectionRegisteredAndNothingAfterInvalidate() throws Exception {
        final TestProbe<RdmaListener.Accepted> accepted = kit.createTestProbe(RdmaListener.Accepted.class);
        final TestProbe<RdmaTransport.Inbound> inbound = kit.createTestProbe(RdmaTransport.Inbound.class);
        final ActorRef<RdmaListener.Command> listener = kit.spawn(FrwrTransport.get(kit.system())
                .listener(server, ListenSpec.at("server"), forwardingTo(accepted.getRef(), inbound.getRef())));
        listening(listener);
        final RawPeer peer = new RawPeer("client");

        assertInstanceOf(CmEvent.Established.class, peer.connect("server", bytes("hi")));
        // The peer SENDs at once: the accepted QP's receives were posted before it could.
        assertEquals(WcStatus.SUCCESS, peer.send(bytes("first")));
        final RdmaListener.Accepted connection = await(accepted, RdmaListener.Accepted.class);
        assertEquals("client", connection.remoteAddress());
        assertEquals("hi", new String(connection.privateData(), StandardCharsets.UTF_8));
        assertEquals("hi", new String(await(inbound, RdmaTransport.ConnectionUp.class).privateData(),
                StandardCharsets.UTF_8));
        assertEquals("first", text(await(inbound, RdmaTransport.Received.class).message()));

        // Register memory of the listener's device for the peer to read and write, under one handle.
        final TestProbe<RdmaDevice> device = kit.createTestProbe(RdmaDevice.class);
        listener.tell(new RdmaListener.GetDevice(device.getRef()));
        final RdmaDevice serverDevice = device.receiveMessage();
        final DmaBuffer shared = serverDevice.mapBuffer(ByteBuffer.allocateDirect(4096));
        shared.buffer().put(0, bytes("served by the passive side"));
        final DmaBuffer advert = serverDevice.mapBuffer(ByteBuffer.allocateDirect(16));
        final TestProbe<RdmaTransport.RegisterReply> reply = kit.createTestProbe(RdmaTransport.RegisterReply.class);
        // Register and advertise the handle in one chain: send-queue order runs the FAST_REG before the SEND.
        connection.transport().tell(RdmaTransport.Register.andSend(List.of(ChunkRequest.of(
                Direction.PEER_READS_AND_WRITES, shared.segment(0, 4096))), registration -> {
                    final Handle mine = registration.chunk(0).get(0);
                    advert.buffer().putInt(0, mine.rkey()).putInt(4, mine.length()).putLong(8, mine.offset());
                    return List.of(advert.segment(0, 16));
                }, 1, reply.getRef(), null, 0));
        final Registration reg = await(reply, RdmaTransport.Registered.class).registration();
        final Handle h = peer.receiveHandle();
        assertEquals(reg.chunk(0).get(0), h);

        final byte[] read = new byte[26];
        assertEquals(WcStatus.SUCCESS, peer.read(h, read));
        assertEquals("served by the passive side", new String(read, StandardCharsets.UTF_8));
        assertEquals(WcStatus.SUCCESS, peer.write(h, bytes("written by the peer")));
        final byte[] landed = new byte[19];
        shared.buffer().get(0, landed);
        assertEquals("written by the peer", new String(landed, StandardCharsets.UTF_8));

        final TestProbe<RdmaTransport.Invalidated> inv = kit.createTestProbe(RdmaTransport.Invalidated.class);
        connection.transport().tell(RdmaTransport.Invalidate.of(reg, inv.getRef()));
        assertTrue(await(inv, RdmaTransport.Invalidated.class).fenced());
        assertEquals(WcStatus.REM_ACCESS_ERR, peer.write(h, bytes("too late")));
        shared.buffer().get(0, landed);
        assertEquals("written by the peer", new String(landed, StandardCharsets.UTF_8));

        // That remote access error broke the QP: the connection's transport ends (no reconnect on this side) ...
        assertTrue(await(inbound, RdmaTransport.ConnectionDown.class) != null);
        until(() -> server.liveMrCount() == 0);
        final RdmaTransport.ConnectionDown gaveUp = until(() -> {
            final RdmaTransport.Inbound m = inbound.receiveMessage(Duration.ofMillis(5));
            return m instanceof RdmaTransport.ConnectionDown d && d.gaveUp() ? d : null;
        });
        assertTrue(gaveUp.reason().contains("passive endpoint does not reconnect"), gaveUp.reason());
        connection.transport().tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_READS,
                shared.segment(0, 4096))), 2, reply.getRef()));
        assertEquals(TransportError.Kind.STOPPED,
                assertInstanceOf(RdmaTransport.RegisterFailed.class, reply.receiveMessage()).error().kind());
        connection.transport().tell(RdmaTransport.Invalidate.of(reg, inv.getRef()));
        assertTrue(inv.receiveMessage().fenced());

        // ... and the listener keeps accepting: the peer connects again and gets a new connection and transport.
        assertInstanceOf(CmEvent.Established.class, peer.connect("server", bytes("again")));
        final RdmaListener.Accepted second = await(accepted, RdmaListener.Accepted.class);
        assertEquals(2, second.id());
        assertEquals(WcStatus.SUCCESS, peer.send(bytes("second")));
        assertEquals("second", text(await(inbound, RdmaTransport.Received.class).message()));
    }

    @Test
    void stoppingTheHandlerShutsItsConnectionDownAndThePeerSeesTheDisconnect() throws Exception {
        // Each connection lives until its peer says "bye": stopping the handler ends the connection.
        final RdmaListener.Handler untilBye = connection -> Behaviors.receiveMessage(m ->
                m instanceof RdmaTransport.Received r && text(r.message()).equals("bye")
                        ? Behaviors.stopped() : Behaviors.same());
        final ActorRef<RdmaListener.Command> listener = kit.spawn(FrwrTransport.get(kit.system())
                .listener(server, ListenSpec.at("server"), untilBye));
        listening(listener);
        final RawPeer peer = new RawPeer("client");
        assertInstanceOf(CmEvent.Established.class, peer.connect("server", null));
        until(() -> server.liveMrCount() == 8); // the connection's MR pool
        final TestProbe<RdmaListener.Connections> connections = kit.createTestProbe(RdmaListener.Connections.class);
        listener.tell(new RdmaListener.GetConnections(connections.getRef()));
        assertEquals(1, connections.receiveMessage().transports().size());

        assertEquals(WcStatus.SUCCESS, peer.send(bytes("bye")));
        until(() -> peer.events.stream().anyMatch(e -> e instanceof CmEvent.Disconnected));
        until(() -> server.liveMrCount() == 0 && server.liveRkeyCount() == 0);
        until(() -> {
            listener.tell(new RdmaListener.GetConnections(connections.getRef()));
            final RdmaListener.Connections c = connections.receiveMessage();
            return c.transports().isEmpty() && c.accepted() == 1;
        });
    }

    @Test
    void shutdownStopsAcceptingAndShutsEveryConnectionDown() throws Exception {
        final TestProbe<RdmaListener.Accepted> accepted = kit.createTestProbe(RdmaListener.Accepted.class);
        final TestProbe<RdmaTransport.Inbound> inbound = kit.createTestProbe(RdmaTransport.Inbound.class);
        final ActorRef<RdmaListener.Command> listener = kit.spawn(RdmaListener.create(
                FrwrTransport.get(kit.system()).settings(), server, ListenSpec.at("server"),
                forwardingTo(accepted.getRef(), inbound.getRef())));
        listening(listener);
        final RawPeer a = new RawPeer("a");
        final RawPeer b = new RawPeer("b");
        assertInstanceOf(CmEvent.Established.class, a.connect("server", null));
        assertInstanceOf(CmEvent.Established.class, b.connect("server", null));
        until(() -> server.liveMrCount() == 16);

        final TestProbe<RdmaListener.ShutdownComplete> done = kit.createTestProbe(RdmaListener.ShutdownComplete.class);
        listener.tell(new RdmaListener.Shutdown(done.getRef()));
        assertEquals(new RdmaListener.ShutdownComplete(2, 2), await(done, RdmaListener.ShutdownComplete.class));
        assertEquals(0, server.liveMrCount());
        until(() -> a.events.stream().anyMatch(e -> e instanceof CmEvent.Disconnected)
                && b.events.stream().anyMatch(e -> e instanceof CmEvent.Disconnected));
        assertInstanceOf(CmEvent.ConnectError.class, new RawPeer("c").connect("server", null));
        // A second Shutdown gets the same answer.
        listener.tell(new RdmaListener.Shutdown(done.getRef()));
        assertEquals(new RdmaListener.ShutdownComplete(2, 2), done.receiveMessage());
    }

    @Test
    void terminatingTheSystemLeavesNoMrOfAnAcceptedConnectionAndThePeerSeesTheDisconnect() throws Exception {
        // Free-running, so that completions need no stepping while the system terminates.
        fabric.close();
        fabric = SimFabric.builder().seed(5L).mode(SimMode.FREE).costs(SimCosts.NONE).build();
        server = fabric.endpoint("server");
        final TestProbe<RdmaListener.Accepted> accepted = kit.createTestProbe(RdmaListener.Accepted.class);
        final TestProbe<RdmaTransport.Inbound> inbound = kit.createTestProbe(RdmaTransport.Inbound.class);
        listening(kit.spawn(FrwrTransport.get(kit.system()).listener(server, ListenSpec.at("server"),
                forwardingTo(accepted.getRef(), inbound.getRef()))));
        final RawPeer peer = new RawPeer("client");
        assertInstanceOf(CmEvent.Established.class, peer.connect("server", null));
        final RdmaListener.Accepted connection = accepted.receiveMessage(Duration.ofSeconds(10));
        final TestProbe<RdmaTransport.RegisterReply> reply = kit.createTestProbe(RdmaTransport.RegisterReply.class);
        connection.transport().tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_WRITES,
                server.mapBuffer(ByteBuffer.allocateDirect(4096)).segment(0, 4096))), 1, reply.getRef()));
        assertInstanceOf(RdmaTransport.Registered.class, reply.receiveMessage(Duration.ofSeconds(10)));
        assertEquals(1, server.liveRkeyCount());

        kit.system().terminate();
        kit.system().getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertEquals(0, server.liveMrCount(), "MRs still allocated in the device");
        assertEquals(0, server.liveRkeyCount(), "rkeys still live in the device");
        assertInstanceOf(CmEvent.Disconnected.class, peer.disconnected.get(20, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void theReadmeExampleSharesABufferWithEachPeerUntilItSaysBye() throws Exception {
        // The extension's own (free-running) fabric, as in an application: devices by name.
        fabric.close();
        final FrwrTransport frwr = FrwrTransport.get(kit.system());
        fabric = ((SimDevice) frwr.device("server")).fabric();

        // --- README listener begins ---
        RdmaDevice device = frwr.device("server");
        DmaBuffer shared = device.mapBuffer(ByteBuffer.allocateDirect(4096));
        ActorRef<RdmaListener.Command> listener =
                kit.spawn(frwr.listener("server", ListenSpec.at("server"), shareABuffer(device, shared)), "listener");
        // --- README listener ends ---

        listening(listener);
        final RawPeer peer = new RawPeer("client");
        assertInstanceOf(CmEvent.Established.class, peer.connect("server", null));
        final Handle h = peer.receiveHandle();
        assertEquals(WcStatus.SUCCESS, peer.write(h, bytes("hello")));
        final byte[] back = new byte[5];
        assertEquals(WcStatus.SUCCESS, peer.read(h, back));
        assertEquals("hello", new String(back, StandardCharsets.UTF_8));
        assertEquals(WcStatus.SUCCESS, peer.send(bytes("bye")));
        assertInstanceOf(CmEvent.Disconnected.class, peer.disconnected.get(20, java.util.concurrent.TimeUnit.SECONDS));
        until(() -> ((SimDevice) device).liveMrCount() == 0);
        final TestProbe<RdmaListener.Connections> connections = kit.createTestProbe(RdmaListener.Connections.class);
        until(() -> {
            listener.tell(new RdmaListener.GetConnections(connections.getRef()));
            return connections.receiveMessage().transports().isEmpty();
        });
    }

    @Test
    void theReadmeShowsThePassiveExampleVerbatim() throws Exception {
        final String source = java.nio.file.Files.readString(
                java.nio.file.Path.of("src/test/java/io/frwr/actors/PassiveEndpointTest.java"));
        final String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        final String handler = between(source, "    // --- README handler begins ---\n", "\n    // --- README handler ends ---", 4);
        final String lines = between(source, "        // --- README listener begins ---\n",
                "\n        // --- README listener ends ---", 8);
        assertTrue(readme.contains("```java\n" + handler + "\n\n" + lines + "\n```"),
                "README.md's passive endpoint example differs from PassiveEndpointTest's:\n" + handler + "\n\n" + lines);
    }

    private static String between(String source, String begin, String end, int indent) {
        final String block = source.substring(source.indexOf(begin) + begin.length(), source.indexOf(end));
        final String pad = " ".repeat(indent);
        return block.lines().map(l -> l.startsWith(pad) ? l.substring(indent) : l)
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    @org.junit.jupiter.api.Disabled("open bug: the fabric delivers Established to the passive side first (as a real"
            + " CM can), so a handler that SENDs at once can beat the active side's receives, which are posted in"
            + " its own Established callback; the SEND then meets no RECV (about 1 run in 5 with the other actor"
            + " tests). The fix needs the SPI to let the active side post receives before its QP reaches RTR.")
    void anActiveTransportHearsAHandlerThatSendsTheMomentItIsMade() throws Exception {
        // Free-running: nothing orders the two sides' actors, as on a real fabric.
        fabric.close();
        fabric = SimFabric.builder().seed(9L).mode(SimMode.FREE).costs(SimCosts.NONE).build();
        server = fabric.endpoint("server");
        final SimDevice client = fabric.endpoint("client");
        final FrwrTransport frwr = FrwrTransport.get(kit.system());
        final DmaBuffer greeting = server.mapBuffer(ByteBuffer.allocateDirect(5));
        greeting.buffer().put(0, bytes("hello"));
        final TestProbe<RdmaTransport.SendReply> sent = kit.createTestProbe(RdmaTransport.SendReply.class);
        listening(kit.spawn(frwr.listener(server, ListenSpec.at("server"), connection -> Behaviors.setup(ctx -> {
            connection.transport().tell(new RdmaTransport.Send(List.of(greeting.segment(0, 5)), 1, sent.getRef()));
            return Behaviors.ignore();
        }))));
        for (int round = 0; round < 20; round++) {
            final ActorRef<RdmaTransport.Command> active = kit.spawn(frwr.transport(client, ConnectionSpec.to("server")));
            final TestProbe<RdmaTransport.Inbound> inbound = kit.createTestProbe(RdmaTransport.Inbound.class);
            final TestProbe<TransportEvent> events = kit.createTestProbe(TransportEvent.class);
            active.tell(new RdmaTransport.WatchEvents(events.getRef()));
            active.tell(new RdmaTransport.Subscribe(inbound.getRef()));
            final List<Object> seen = new ArrayList<>();
            RdmaTransport.Inbound first = null;
            try {
                first = inbound.receiveMessage(Duration.ofSeconds(10));
                seen.add(first);
                if (first instanceof RdmaTransport.ConnectionUp) {
                    first = inbound.receiveMessage(Duration.ofSeconds(10));
                    seen.add(first);
                }
            } catch (AssertionError e) {
                seen.add("timeout");
            }
            if (!(first instanceof RdmaTransport.Received)) {
                final List<TransportEvent> ev = new ArrayList<>();
                TransportEvent e;
                while ((e = pollEvent(events)) != null) {
                    ev.add(e);
                }
                throw new AssertionError("round " + round + ": inbound " + seen + ", events " + ev);
            }
            final RdmaTransport.Received hello = (RdmaTransport.Received) first;
            assertEquals("hello", text(hello.message()));
            final TestProbe<RdmaTransport.ShutdownComplete> done =
                    kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
            active.tell(new RdmaTransport.Shutdown(done.getRef()));
            done.receiveMessage(Duration.ofSeconds(10));
        }
    }
}
