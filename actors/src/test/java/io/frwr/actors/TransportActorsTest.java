package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.SettingsException;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.Errno;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportActorsTest {
    private static final SimCosts FREE = SimCosts.NONE;

    /** The peer RDMA-WRITEs {@code data} under handle {@code h}; steps until its completion arrives. */
    static WorkCompletion serverWrite(TransportFixture f, QueuePair sqp, Handle h, byte[] data) throws Exception {
        final Segment src = f.server.mapBuffer(ByteBuffer.allocateDirect(data.length)).segment(0, data.length);
        src.buffer().buffer().duplicate().put(data);
        sqp.postSend(new SendWr.RdmaWrite(77, true, List.of(src), h.offset(), h.rkey()));
        final List<WorkCompletion> wcs = new ArrayList<>();
        final TestProbe<Object> guard = f.kit.createTestProbe();
        return guard.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(2), () -> {
            f.stepAll();
            sqp.sendCq().poll(wcs, 16);
            for (WorkCompletion wc : wcs) {
                if (wc.wrId() == 77) {
                    return wc;
                }
            }
            throw new AssertionError("no completion for the server's WRITE yet");
        });
    }

    @Test
    void registeredChunkIsWritableByThePeerUntilInvalidatedAndNeverAfter() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final Segment seg = f.segment(3 * 4096);
            final RdmaTransport.Registered reg = f.register(Direction.PEER_WRITES, seg);
            final Handle h = reg.registration().chunk(0).get(0);
            assertEquals(seg.length(), h.length());
            final byte[] data = new byte[seg.length()];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31);
            }
            final QueuePair sqp = f.serverQps.get(0);
            assertEquals(WcStatus.SUCCESS, serverWrite(f, sqp, h, data).status());
            final byte[] landed = new byte[data.length];
            seg.buffer().buffer().duplicate().get(landed);
            assertArrayEquals(data, landed);

            final RdmaTransport.Invalidated inv = f.await(f.invalidate(reg.registration()), RdmaTransport.Invalidated.class);
            assertTrue(inv.fenced());
            assertEquals(1, f.counters().get(TransportCounter.LOCAL_INV_NEEDED));

            // The peer still holds the old rkey: it must be refused and the caller's bytes stay as they were.
            final WorkCompletion late = serverWrite(f, sqp, h, new byte[data.length]);
            assertEquals(WcStatus.REM_ACCESS_ERR, late.status());
            seg.buffer().buffer().duplicate().get(landed);
            assertArrayEquals(data, landed);
        }
    }

    @Test
    void poolExhaustionIsBackpressureAndTheQpStaysUp() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "frwr-transport.mr-pool.size = 2")) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_READS, f.segment(4096)).registration();
            f.register(Direction.PEER_READS, f.segment(4096));
            final RdmaTransport.RegisterReply third = f.registerReply(Direction.PEER_READS, f.segment(4096));
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class, third);
            assertEquals(TransportError.Kind.NO_MR_FREE, failed.error().kind());
            assertEquals(QpState.RTS, f.clientQp().state());
            assertEquals(1, f.counters().get(TransportCounter.NO_MR_FAILURES));
            f.await(f.invalidate(a), RdmaTransport.Invalidated.class);
            f.register(Direction.PEER_READS, f.segment(4096));
            assertEquals(0, f.counters().get(TransportCounter.QP_ERRORS));
            assertEquals(2, f.counters().get(TransportCounter.MAX_REGISTRATIONS_IN_FLIGHT),
                    "a pool of 2 lets 2 one-chunk calls hold registrations at once, never more");
        }
    }

    @Test
    void waitModeServesTheWaiterWhenAnMrComesBack() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.mr-pool { size = 1, when-exhausted = wait, acquire-timeout = 5s }")) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_READS, f.segment(4096)).registration();
            final TestProbe<RdmaTransport.RegisterReply> waiting = f.kit.createTestProbe(RdmaTransport.RegisterReply.class);
            f.transport.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_READS, f.segment(4096))),
                    9, waiting.getRef()));
            f.await(f.invalidate(a), RdmaTransport.Invalidated.class);
            assertInstanceOf(RdmaTransport.Registered.class, f.await(waiting, RdmaTransport.RegisterReply.class));
        }
    }

    @Test
    void aFastRegPostFailureFailsTheCallAndSendsTheMrToRecovery() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            f.fabric.faults().failNextPosts(f.client, 1, Errno.ENOMEM);
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    f.registerReply(Direction.PEER_READS, f.segment(4096)));
            assertEquals(TransportError.Kind.POST_FAILED, failed.error().kind());
            final TransportCounters.Snapshot s = f.awaitPoolQuiet(16);
            assertEquals(1, s.get(TransportCounter.MRS_RECOVERED));
            assertTrue(s.occupancy().conserved(), s.occupancy().toString());
            assertEquals(QpState.RTS, f.clientQp().state(), "ENOMEM from post_send is not a QP fault");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"per-mr", "rebuild-on-reconnect"})
    void aQpErrorMidTrafficDrainsThenReconnectsWithEveryMrAccountedFor(String strategy) throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.recovery.strategy = " + strategy)) {
            f.awaitUp();
            final List<Registration> regs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                regs.add(f.register(Direction.PEER_WRITES, f.segment(8192)).registration());
            }
            final TestProbe<RdmaTransport.Invalidated> first = f.invalidate(regs.get(0));
            f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
                assertTrue(f.fabric.pendingEvents() > 0, "LOCAL_INV not posted yet");
                return null;
            });
            f.fabric.faults().breakQp(f.clientQp());
            f.await(f.inbound, RdmaTransport.ConnectionDown.class);
            final RdmaTransport.ConnectionUp up = f.awaitUp();
            assertEquals(2, up.epoch());
            assertTrue(f.await(first, RdmaTransport.Invalidated.class).fenced());
            for (int i = 1; i < regs.size(); i++) {
                assertTrue(f.await(f.invalidate(regs.get(i)), RdmaTransport.Invalidated.class).fenced());
            }
            final TransportCounters.Snapshot s = f.awaitPoolQuiet(16);
            assertTrue(s.occupancy().conserved(), s.occupancy().toString());
            assertEquals(0, s.occupancy().orphaned());
            assertEquals(1, s.get(TransportCounter.RECONNECTS));
            assertEquals(1, s.get(TransportCounter.DRAINS));
            assertTrue(s.get(TransportCounter.MRS_RECOVERED) >= ("rebuild-on-reconnect".equals(strategy) ? 16 : 1),
                    s.toString());
            // And the new connection works: a fresh registration round trip.
            final Registration again = f.register(Direction.PEER_READS, f.segment(4096)).registration();
            assertTrue(f.await(f.invalidate(again), RdmaTransport.Invalidated.class).fenced());
        }
    }

    @Test
    void aFlushedLocalInvReleasesTheCallerOnlyAfterDeregistration() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.connection.reconnect { min-backoff = 10s, max-backoff = 20s }")) {
            f.awaitUp();
            final Registration reg = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            final TestProbe<RdmaTransport.Invalidated> p = f.invalidate(reg);
            f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
                assertTrue(f.fabric.pendingEvents() > 0, "LOCAL_INV not posted yet");
                return null;
            });
            final long deregsBefore = f.fabric.stats().mrsDeregistered();
            f.fabric.faults().breakQp(f.clientQp());
            final RdmaTransport.Invalidated inv = f.await(p, RdmaTransport.Invalidated.class);
            assertTrue(inv.fenced());
            assertTrue(f.fabric.stats().mrsDeregistered() > deregsBefore,
                    "the caller was released before its MR was deregistered");
            assertTrue(f.counters().get(TransportCounter.FENCED_BY_RECOVERY) >= 1);
        }
    }

    @Test
    void remoteInvalidationNeedsNoLocalInv() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final Registration reg = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            final int rkey = reg.chunk(0).get(0).rkey();
            final QueuePair sqp = f.serverQps.get(0);
            final Segment msg = f.server.mapBuffer(ByteBuffer.allocateDirect(64)).segment(0, 64);
            sqp.postSend(new SendWr.SendWithInv(5, true, List.of(msg), rkey));
            final RdmaTransport.Received rx = f.await(f.inbound, RdmaTransport.Received.class);
            assertTrue(rx.withInvalidate());
            assertEquals(rkey, rx.invalidatedRkey());
            final TestProbe<RdmaTransport.Invalidated> p = f.kit.createTestProbe(RdmaTransport.Invalidated.class);
            f.transport.tell(RdmaTransport.Invalidate.afterRemoteInvalidation(reg, rx.invalidatedRkey(), p.getRef()));
            assertTrue(f.await(p, RdmaTransport.Invalidated.class).fenced());
            final TransportCounters.Snapshot s = f.awaitPoolQuiet(16);
            assertEquals(0, s.get(TransportCounter.LOCAL_INV_NEEDED));
            assertEquals(1, s.get(TransportCounter.REMOTE_INVALIDATIONS));
        }
    }

    @Test
    void requestsWhileDisconnectedWaitThenFailWithAClearError() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.connection { request-wait = 1s, reconnect { min-backoff = 30s, max-backoff = 60s } }")) {
            f.awaitUp();
            f.fabric.faults().breakQp(f.clientQp());
            f.await(f.inbound, RdmaTransport.ConnectionDown.class);
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    f.registerReply(Direction.PEER_READS, f.segment(4096)));
            assertEquals(TransportError.Kind.NOT_CONNECTED, failed.error().kind());
            assertTrue(failed.error().message().contains("request-wait"), failed.error().message());
            assertEquals(1, f.counters().get(TransportCounter.REQUESTS_EXPIRED));
        }
    }

    @Test
    void aRecoveryCrashLosesNoMr() throws Exception {
        final WrappedDevice[] crashing = new WrappedDevice[1];
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "",
                d -> crashing[0] = WrappedDevice.crashingOnDereg(d, 1))) {
            f.awaitUp();
            f.fabric.faults().failNextPosts(f.client, 1, Errno.EAGAIN);
            f.registerReply(Direction.PEER_READS, f.segment(4096));
            final TransportCounters.Snapshot s = f.awaitPoolQuiet(16);
            assertEquals(0, crashing[0].deregCrashesLeft(), "the Recovery actor never met the injected provider bug");
            assertEquals(1, s.get(TransportCounter.MRS_RECOVERED));
            assertEquals(0, s.occupancy().orphaned());
            assertTrue(s.occupancy().conserved(), s.occupancy().toString());
        }
    }

    @Test
    void shutdownDeregistersEveryMr() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            f.register(Direction.PEER_READS, f.segment(4096));
            final TestProbe<RdmaTransport.ShutdownComplete> done = f.kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
            f.transport.tell(new RdmaTransport.Shutdown(done.getRef()));
            final RdmaTransport.ShutdownComplete c = f.await(done, RdmaTransport.ShutdownComplete.class);
            assertEquals(0, c.counters().occupancy().allocated());
            assertEquals(16, c.counters().get(TransportCounter.MRS_DESTROYED));
            assertEquals(0, f.fabric.stats().mrsLive());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void recoveryNeverRunsMoreThanParallelismAtOnce(int parallelism) throws Exception {
        final SimCosts costs = new SimCosts(2_000_000, 2_000_000, 0, 0.0, 0);
        try (TransportFixture f = new TransportFixture(SimMode.FREE, costs, "frwr-transport {"
                + " mr-pool.size = 24, recovery { strategy = rebuild-on-reconnect, parallelism = " + parallelism + " } }")) {
            f.awaitUp();
            f.fabric.faults().breakQp(f.clientQp());
            f.await(f.inbound, RdmaTransport.ConnectionDown.class);
            final TransportCounters.Snapshot s = f.awaitPoolQuiet(24);
            assertEquals(24, s.get(TransportCounter.MRS_RECOVERED));
            final int max = f.fabric.stats().maxConcurrentMrOps();
            assertTrue(max <= parallelism, "saw " + max + " MR operations at once with parallelism " + parallelism);
            if (parallelism > 1) {
                assertTrue(max > 1, "recovery did not overlap at all with parallelism " + parallelism);
            }
        }
    }

    @Test
    void aBadSettingNamesTheKeyTheValueAndTheRange() {
        final SettingsException e = assertThrows(SettingsException.class, () -> TransportSettings.fromConfig(
                ConfigFactory.parseString("frwr-transport.recovery.parallelism = 0").withFallback(ConfigFactory.load())));
        assertEquals("frwr-transport.recovery.parallelism = 0: must be between 1 and 1024", e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void whereTheProviderChoosesTheRkeyTheHandlesWaitForTheFastRegCompletion() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "", WrappedDevice::rkeyChosenAtRegistration)) {
            f.awaitUp();
            final Segment seg = f.segment(8192);
            final TestProbe<RdmaTransport.RegisterReply> p = f.kit.createTestProbe(RdmaTransport.RegisterReply.class);
            f.transport.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_WRITES, seg)), 5,
                    p.getRef()));
            f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
                assertTrue(f.fabric.pendingEvents() > 0, "FAST_REG not posted yet");
                return null;
            });
            p.expectNoMessage(Duration.ofMillis(50)); // posted but not executed: no handle may leave yet
            final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                    f.await(p, RdmaTransport.RegisterReply.class));
            final Handle h = ok.registration().chunk(0).get(0);
            assertTrue(f.client.isRkeyLive(h.rkey()), "the handle must carry the rkey the registration installed");
            assertTrue(f.await(f.invalidate(ok.registration()), RdmaTransport.Invalidated.class).fenced());
            assertFalse(f.client.isRkeyLive(h.rkey()));
        }
    }

    @Test
    void aDrainWhoseMarkerNeverComesEndsAtTheDrainTimeout() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.connection.drain-timeout = 2s", WrappedDevice::withoutDrainMarker)) {
            f.awaitUp();
            final Registration reg = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            f.stepAll(); // the unsignaled FAST_REG executes: without a marker nothing will ever retire it
            f.fabric.faults().breakQp(f.clientQp());
            f.await(f.events, TransportEvent.DrainStarted.class);
            final TransportEvent.DrainFinished done = f.await(f.events, TransportEvent.DrainFinished.class);
            assertTrue(done.timedOut());
            assertEquals(1, f.counters().get(TransportCounter.DRAIN_TIMEOUTS));
            f.awaitUp();
            assertTrue(f.await(f.invalidate(reg), RdmaTransport.Invalidated.class).fenced());
            assertTrue(f.awaitPoolQuiet(16).occupancy().conserved());
        }
    }

    /** A message that carries the first handle's rkey, as an RPC header would. */
    private static MessageBuilder rkeyMessage(Segment out) {
        return reg -> {
            out.buffer().buffer().putInt(out.offset(), reg.chunk(0).get(0).rkey());
            return List.of(out);
        };
    }

    private static int receivedRkey(TransportFixture f, QueuePair sqp) {
        final List<WorkCompletion> wcs = new ArrayList<>();
        final TestProbe<Object> guard = f.kit.createTestProbe();
        return guard.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(2), () -> {
            f.stepAll();
            sqp.recvCq().poll(wcs, 16);
            for (WorkCompletion wc : wcs) {
                if (wc.opcode() == io.frwr.verbs.Opcode.RECV && wc.status() == WcStatus.SUCCESS) {
                    return (int) wc.wrId(); // index of the server's receive buffer
                }
            }
            throw new AssertionError("the server received nothing yet");
        });
    }

    @Test
    void registerAndSendPostsTheFastRegsAndTheSendAsOneChain() throws Exception {
        final WrappedDevice[] dev = new WrappedDevice[1];
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "", d -> dev[0] = WrappedDevice.plain(d))) {
            f.awaitUp();
            final Segment msg = f.segment(64);
            final TestProbe<RdmaTransport.RegisterReply> p = f.kit.createTestProbe(RdmaTransport.RegisterReply.class);
            f.transport.tell(RdmaTransport.Register.andSend(List.of(ChunkRequest.of(Direction.PEER_WRITES,
                    f.segment(8192))), rkeyMessage(msg), 3, p.getRef(), null, 0));
            final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                    f.await(p, RdmaTransport.RegisterReply.class));
            assertEquals(List.of(2), dev[0].postedChains, "one post: the FAST_REG, then the SEND advertising it");
            receivedRkey(f, f.serverQps.get(0));
            assertTrue(f.client.isRkeyLive(ok.registration().chunk(0).get(0).rkey()),
                    "send-queue order ran the FAST_REG before the SEND that carries its rkey");
            assertEquals(1, f.counters().get(TransportCounter.SENDS));
            assertTrue(f.await(f.invalidate(ok.registration()), RdmaTransport.Invalidated.class).fenced());
        }
    }

    @Test
    void aMessageThatCannotBeBuiltFailsTheRegistrationAndReturnsItsMrs() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final TestProbe<RdmaTransport.RegisterReply> p = f.kit.createTestProbe(RdmaTransport.RegisterReply.class);
            f.transport.tell(RdmaTransport.Register.andSend(List.of(ChunkRequest.of(Direction.PEER_WRITES,
                    f.segment(4096))), reg -> {
                        throw new IllegalStateException("header too large for the inline limit");
                    }, 4, p.getRef(), null, 0));
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    f.await(p, RdmaTransport.RegisterReply.class));
            assertEquals(TransportError.Kind.BAD_REQUEST, failed.error().kind());
            assertTrue(failed.error().message().contains("header too large"), failed.error().message());
            final TransportCounters.Snapshot s = f.awaitPoolQuiet(16);
            assertEquals(0, s.get(TransportCounter.MRS_RECOVERED), "never posted: the MRs go back INVALID");
            assertEquals(0, f.fabric.stats().executed(io.frwr.verbs.Opcode.FAST_REG));

            f.transport.tell(RdmaTransport.Register.andSend(List.of(ChunkRequest.of(Direction.PEER_WRITES,
                    f.segment(4096))), rkeyMessage(f.segment(64)), 5, p.getRef(), null, 99));
            assertEquals(TransportError.Kind.CONNECTION_LOST, assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    f.await(p, RdmaTransport.RegisterReply.class)).error().kind(), "bound to a connection that is gone");
        }
    }

    @Test
    void whereTheProviderChoosesTheRkeyTheMessageIsBuiltAfterTheFastRegCompleted() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "", WrappedDevice::rkeyChosenAtRegistration)) {
            f.awaitUp();
            final Segment msg = f.segment(64);
            final TestProbe<RdmaTransport.RegisterReply> p = f.kit.createTestProbe(RdmaTransport.RegisterReply.class);
            final TestProbe<RdmaTransport.SendReply> sent = f.kit.createTestProbe(RdmaTransport.SendReply.class);
            f.transport.tell(RdmaTransport.Register.andSend(List.of(ChunkRequest.of(Direction.PEER_WRITES,
                    f.segment(4096))), rkeyMessage(msg), 6, p.getRef(), sent.getRef(), 0));
            final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                    f.await(p, RdmaTransport.RegisterReply.class));
            assertInstanceOf(RdmaTransport.Sent.class, f.await(sent, RdmaTransport.SendReply.class));
            assertEquals(ok.registration().chunk(0).get(0).rkey(), msg.buffer().buffer().getInt(msg.offset()),
                    "the message carries the rkey the registration installed");
        }
    }
}
