package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.verbs.Errno;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fourteen edge cases of issue 10, one named test each: every one failed (hung, handed memory back while
 * a peer could reach it, lost an MR, or answered wrongly) before the transport was fixed. The promise they
 * hold the transport to: memory comes back only when no peer can reach it, no MR is lost or owned twice,
 * every request ends.
 */
class EdgeCaseRegressionTest {
    private static final SimCosts FREE = SimCosts.NONE;

    /** What a caller saw at the moment its Invalidated arrived: the answer and whether a peer could reach it. */
    private record Delivered(RdmaTransport.Invalidated answer, boolean reachableAtDelivery) { }

    /** Which Invalidate to send. */
    private interface How {
        RdmaTransport.Invalidate build(Registration reg, ActorRef<RdmaTransport.Invalidated> replyTo);
    }

    /** Invalidate, recording at delivery whether any rkey of the registration could still be used by a peer. */
    private static TestProbe<Delivered> invalidateChecked(TransportFixture f, SimDevice device,
                                                          How how, Registration reg) {
        final TestProbe<Delivered> p = f.kit.createTestProbe(Delivered.class);
        final ActorRef<RdmaTransport.Invalidated> at = f.kit.spawn(Behaviors.receive(RdmaTransport.Invalidated.class)
                .onAnyMessage(inv -> {
                    boolean reachable = false;
                    for (List<Handle> chunk : reg.chunks()) {
                        for (Handle h : chunk) {
                            reachable |= device.isRkeyReachable(h.rkey());
                        }
                    }
                    p.getRef().tell(new Delivered(inv, reachable));
                    return Behaviors.same();
                }).build());
        f.transport.tell(how.build(reg, at));
        return p;
    }

    private static TestProbe<Delivered> invalidateChecked(TransportFixture f, Registration reg) {
        return invalidateChecked(f, f.client, RdmaTransport.Invalidate::of, reg);
    }

    /**
     * Until everything sent to the transport before has been handled by the QueuePair actor and the pool: a
     * Send bound to a connection that never existed is answered by the QueuePair actor at once, and an audit
     * asked for after that reaches the pool behind whatever the QueuePair actor sent it. No time passes.
     */
    private static void sync(TransportFixture f) {
        final TestProbe<RdmaTransport.SendReply> s = f.kit.createTestProbe(RdmaTransport.SendReply.class);
        f.transport.tell(new RdmaTransport.Send(List.of(), 0, s.getRef(), Long.MAX_VALUE));
        s.receiveMessage(Duration.ofSeconds(10));
        final TestProbe<MrAudit> a = f.kit.createTestProbe(MrAudit.class);
        f.transport.tell(new RdmaTransport.GetAudit(a.getRef()));
        a.receiveMessage(Duration.ofSeconds(10));
    }

    private static TestProbe<RdmaTransport.RegisterReply> registerAsync(TransportFixture f, Direction d,
                                                                        Segment... segments) {
        final TestProbe<RdmaTransport.RegisterReply> p = f.kit.createTestProbe(RdmaTransport.RegisterReply.class);
        final List<ChunkRequest> chunks = new ArrayList<>();
        for (Segment s : segments) {
            chunks.add(ChunkRequest.of(d, s));
        }
        f.transport.tell(new RdmaTransport.Register(chunks, 1, p.getRef()));
        return p;
    }

    /** Until the transport has posted something the stepped fabric has not run yet. */
    private static void awaitPosted(TransportFixture f) {
        f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
            assertTrue(f.fabric.pendingEvents() > 0, "nothing posted yet");
            return null;
        });
    }

    private static QueuePair serverQpInRts(TransportFixture f) {
        for (int i = f.serverQps.size() - 1; i >= 0; i--) {
            if (f.serverQps.get(i).state() == QpState.RTS) {
                return f.serverQps.get(i);
            }
        }
        throw new AssertionError("no server QP in RTS");
    }

    // 1 -------------------------------------------------------------------------------------------------------

    @Test
    void waitModeExpiryServesTheWaitersBehindIt() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.mr-pool { size = 4, when-exhausted = wait, acquire-timeout = 100ms }")) {
            f.awaitUp();
            for (int i = 0; i < 3; i++) {
                f.register(Direction.PEER_READS, f.segment(4096));
            }
            final TestProbe<RdmaTransport.RegisterReply> b = registerAsync(f, Direction.PEER_READS,
                    f.segment(4096), f.segment(4096), f.segment(4096));
            sync(f);
            f.time.timePasses(Duration.ofMillis(50));
            final TestProbe<RdmaTransport.RegisterReply> c = registerAsync(f, Direction.PEER_READS, f.segment(4096));
            sync(f);
            f.time.timePasses(Duration.ofMillis(60)); // B's wait expired, C's has 40 ms left
            sync(f);
            final RdmaTransport.RegisterFailed bFailed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    b.receiveMessage(Duration.ofSeconds(10)));
            assertEquals(TransportError.Kind.NO_MR_FREE, bFailed.error().kind());
            assertInstanceOf(RdmaTransport.Registered.class, c.receiveMessage(Duration.ofSeconds(10)),
                    "an MR is free: the expiry of the request ahead must serve the one behind it");
        }
    }

    // 2 -------------------------------------------------------------------------------------------------------

    @Test
    void perMrInvalidateOfAReLentMrEndsOnceItsFlushedLocalInvIsSafe() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "frwr-transport { mr-pool.size = 1,"
                + " recovery.strategy = per-mr, connection.reconnect { min-backoff = 10s, max-backoff = 20s } }")) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            f.stepAll(); // A's FAST_REG ran
            final TestProbe<Delivered> aInv = invalidateChecked(f, a);
            awaitPosted(f); // A's LOCAL_INV is posted; its MR went back to the pool, as in the seed
            final TestProbe<RdmaTransport.RegisterReply> b = registerAsync(f, Direction.PEER_WRITES, f.segment(4096));
            final RdmaTransport.Registered bReg = assertInstanceOf(RdmaTransport.Registered.class,
                    b.receiveMessage(Duration.ofSeconds(10)), "B got the same MR, FAST_REG queued behind A's LOCAL_INV");
            assertEquals(RdmaTransportTestSupport.index(a), RdmaTransportTestSupport.index(bReg.registration()));
            final long deregsBefore = f.fabric.stats().mrsDeregistered();
            f.fabric.faults().breakQp(f.clientQp());
            final Delivered d = f.await(aInv, Delivered.class); // B is never invalidated in this test
            assertTrue(d.answer().fenced());
            assertFalse(d.reachableAtDelivery());
            assertTrue(f.fabric.stats().mrsDeregistered() > deregsBefore, "only deregistration fences a flushed LOCAL_INV");
        }
    }

    // 3 -------------------------------------------------------------------------------------------------------

    @Test
    void aDeregistrationThatFailsForGoodNeverHandsBackMemoryAPeerCanReach() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "frwr-transport {"
                + " recovery { max-retries = 1, retry-backoff-min = 10ms, retry-backoff-max = 10ms } }")) {
            f.awaitUp();
            final Segment buf = f.segment(4096);
            final Registration a = f.register(Direction.PEER_WRITES, buf).registration();
            final Handle old = a.chunk(0).get(0);
            f.stepAll(); // the FAST_REG ran: the peer can write the buffer
            f.fabric.faults().failNextDeregs(f.client, Integer.MAX_VALUE);
            final TestProbe<Delivered> inv = invalidateChecked(f, a);
            awaitPosted(f);
            f.fabric.faults().breakQp(f.clientQp());
            final Delivered d = f.await(inv, Delivered.class);
            assertTrue(d.answer().fenced());
            assertFalse(d.reachableAtDelivery(), "handed back while a peer could still write the buffer");
            assertTrue(f.client.isRkeyLive(old.rkey()), "the MR really could not be deregistered");
            final TransportCounters.Snapshot s = f.counters();
            assertEquals(1, s.get(TransportCounter.PDS_RETIRED));
            assertTrue(s.get(TransportCounter.MRS_UNDEREGISTERED) >= 1);

            // The peer still holds the old handle and the transport is connected again: its WRITE must fail.
            f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(5), () -> {
                f.stepAll();
                f.time.timePasses(Duration.ofMillis(20));
                serverQpInRts(f);
                f.clientQp();
                return null;
            });
            final byte[] before = new byte[4096];
            buf.buffer().buffer().duplicate().get(before);
            final byte[] evil = new byte[4096];
            Arrays.fill(evil, (byte) 0x5A);
            assertEquals(WcStatus.REM_ACCESS_ERR, TransportActorsTest.serverWrite(f, serverQpInRts(f), old, evil).status());
            final byte[] after = new byte[4096];
            buf.buffer().buffer().duplicate().get(after);
            assertArrayEquals(before, after, "the buffer handed back was overwritten");
        }
    }

    // 4 -------------------------------------------------------------------------------------------------------

    @Test
    void aFailedReplacementIsRetriedUntilThePoolHeals() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "frwr-transport { mr-pool.size = 2,"
                + " recovery { max-retries = 0, retry-backoff-min = 1s, retry-backoff-max = 1s } }")) {
            f.awaitUp();
            f.fabric.faults().failNextPosts(f.client, 1, Errno.ENOMEM); // the MR goes to recovery
            f.fabric.faults().failNextAllocs(f.client, 2); // recovery's alloc fails, and the first replacement
            assertInstanceOf(RdmaTransport.RegisterFailed.class, registerAsync(f, Direction.PEER_READS,
                    f.segment(4096)).receiveMessage(Duration.ofSeconds(10)));
            f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
                assertEquals(1, f.counters().occupancy().orphaned());
                assertEquals(1, f.counters().get(TransportCounter.MR_REPLACEMENTS_FAILED));
                return null;
            });
            final RdmaTransport.RegisterFailed degraded = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    registerAsync(f, Direction.PEER_READS, f.segment(4096), f.segment(4096))
                            .receiveMessage(Duration.ofSeconds(10)));
            assertTrue(degraded.error().message().contains("usable"), degraded.error().message());

            f.time.timePasses(Duration.ofMillis(1100)); // the replacement is retried, and works now
            final TestProbe<RdmaTransport.RegisterReply> two = registerAsync(f, Direction.PEER_READS,
                    f.segment(4096), f.segment(4096));
            assertInstanceOf(RdmaTransport.Registered.class, f.await(two, RdmaTransport.RegisterReply.class),
                    "the pool healed: a 2-MR call fits again");
            final PoolOccupancy o = f.counters().occupancy();
            assertEquals(2, o.allocated() - o.orphaned());
        }
    }

    // 5 -------------------------------------------------------------------------------------------------------

    @Test
    void shutdownWithAFailingDeregistrationReportsTheMrsStillAllocated() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            f.fabric.faults().failNextDeregs(f.client, Integer.MAX_VALUE);
            final TestProbe<RdmaTransport.ShutdownComplete> done = f.kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
            f.transport.tell(new RdmaTransport.Shutdown(done.getRef()));
            final TestProbe<Delivered> inv = invalidateChecked(f, a);
            final RdmaTransport.ShutdownComplete c = f.await(done, RdmaTransport.ShutdownComplete.class);
            assertEquals(16, f.fabric.stats().mrsLive());
            assertEquals(16, c.counters().occupancy().allocated(), "ShutdownComplete must not call live MRs destroyed");
            assertEquals(0, c.counters().get(TransportCounter.MRS_DESTROYED));
            final Delivered d = f.await(inv, Delivered.class);
            assertTrue(d.answer().fenced());
            assertFalse(d.reachableAtDelivery(), "fenced while a peer could still reach the memory");
        }
    }

    // 6 -------------------------------------------------------------------------------------------------------

    @Test
    void shutdownKeepsARecoveryJobThatFailsWhileFlushing() throws Exception {
        final WrappedDevice[] dev = new WrappedDevice[1];
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.connection.reconnect { min-backoff = 10s, max-backoff = 20s }",
                d -> dev[0] = WrappedDevice.plain(d))) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            f.stepAll();
            dev[0].gateDeregs().deregFailuresAfterGate.set(1);
            final TestProbe<Delivered> inv = invalidateChecked(f, a);
            awaitPosted(f);
            f.fabric.faults().breakQp(f.clientQp()); // the LOCAL_INV flushes: recovery must deregister the MR
            f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
                f.stepAll();
                assertEquals(1, dev[0].deregsWaiting.get(), "recovery's deregistration is not in flight yet");
                return null;
            });
            final TestProbe<RdmaTransport.ShutdownComplete> done = f.kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
            f.transport.tell(new RdmaTransport.Shutdown(done.getRef()));
            sync(f);
            dev[0].openDeregGate(); // the in-flight deregistration fails while recovery is being flushed
            final RdmaTransport.ShutdownComplete c = f.await(done, RdmaTransport.ShutdownComplete.class);
            assertEquals(0, c.counters().occupancy().allocated(), c.counters().occupancy().toString());
            assertEquals(0, c.counters().occupancy().recovering());
            assertEquals(0, f.fabric.stats().mrsLive());
            final Delivered d = f.await(inv, Delivered.class);
            assertTrue(d.answer().fenced());
            assertFalse(d.reachableAtDelivery());
        }
    }

    // 7 -------------------------------------------------------------------------------------------------------

    @Test
    void aSecondInvalidateGetsTheFirstOnesAnswerAndNoEarlier() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            f.stepAll(); // the FAST_REG ran: the rkey is live
            final TestProbe<Delivered> first = invalidateChecked(f, a);
            final TestProbe<Delivered> second = invalidateChecked(f, a);
            sync(f); // both handled; the LOCAL_INV has not run (the stepped fabric runs nothing by itself)
            assertTrue(f.client.isRkeyLive(a.chunk(0).get(0).rkey()));
            assertNull(poll(second), "the second Invalidate was answered before the LOCAL_INV executed");
            assertNull(poll(first));
            final Delivered one = f.await(first, Delivered.class);
            final Delivered two = f.await(second, Delivered.class);
            assertTrue(one.answer().fenced() && two.answer().fenced());
            assertFalse(one.reachableAtDelivery() || two.reachableAtDelivery());
            assertEquals(1, f.counters().get(TransportCounter.LOCAL_INV_NEEDED), "one LOCAL_INV for both");
            final Delivered third = f.await(invalidateChecked(f, a), Delivered.class);
            assertTrue(third.answer().fenced(), "long after: the same answer");
        }
    }

    private static <T> T poll(TestProbe<T> p) {
        try {
            return p.receiveMessage(Duration.ZERO);
        } catch (AssertionError e) {
            return null;
        }
    }

    // 8 -------------------------------------------------------------------------------------------------------

    @Test
    void afterRemoteInvalidationIsTrustedOnlyForAnRkeyAReceivedSendWithInvNamed() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "frwr-transport.mr-pool.size = 1")) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            final int rkey = a.chunk(0).get(0).rkey();
            final Delivered d = f.await(invalidateChecked(f, f.client,
                    (reg, to) -> RdmaTransport.Invalidate.afterRemoteInvalidation(reg, rkey, to), a), Delivered.class);
            assertTrue(d.answer().fenced());
            assertFalse(d.reachableAtDelivery(), "no SEND_WITH_INV was received: the caller's word is not enough");
            assertFalse(f.client.isRkeyLive(rkey));
            final TransportCounters.Snapshot s = f.counters();
            assertEquals(1, s.get(TransportCounter.LOCAL_INV_NEEDED));
            assertEquals(1, s.get(TransportCounter.REMOTE_INVALIDATIONS_UNCONFIRMED));
            assertEquals(0, s.get(TransportCounter.REMOTE_INVALIDATIONS));
            // The MR is usable again: its next FAST_REG does not hit a still-valid registration.
            final Registration again = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            assertTrue(f.await(f.invalidate(again), RdmaTransport.Invalidated.class).fenced());
            assertEquals(0, f.counters().get(TransportCounter.QP_ERRORS));
        }
    }

    // 9 -------------------------------------------------------------------------------------------------------

    @Test
    void aPartlyPostedChainIsInvalidatedAndItsMrsComeBack() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "frwr-transport.mr-pool.size = 1")) {
            f.awaitUp();
            final TestProbe<RdmaTransport.RegisterReply> p = f.kit.createTestProbe(RdmaTransport.RegisterReply.class);
            f.transport.tell(RdmaTransport.Register.andSend(List.of(ChunkRequest.of(Direction.PEER_WRITES,
                    f.segment(4096))), reg -> Arrays.asList((Segment) null), 2, p.getRef(), null, 0));
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    p.receiveMessage(Duration.ofSeconds(10)));
            assertEquals(TransportError.Kind.POST_FAILED, failed.error().kind());
            final TransportCounters.Snapshot s = f.awaitPoolQuiet(1);
            assertEquals(1, s.get(TransportCounter.LOCAL_INV_NEEDED), "the FAST_REG that went out is invalidated");
            assertEquals(1, f.fabric.stats().executed(io.frwr.verbs.Opcode.LOCAL_INV),
                    "no registration is left behind with no owner");
            f.register(Direction.PEER_WRITES, f.segment(4096));
        }
    }

    // 10 ------------------------------------------------------------------------------------------------------

    @Test
    void aRequestAfterShutdownEndsWithStopped() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final Registration a = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            assertTrue(f.await(f.invalidate(a), RdmaTransport.Invalidated.class).fenced());
            final TestProbe<RdmaTransport.ShutdownComplete> done = f.kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
            f.transport.tell(new RdmaTransport.Shutdown(done.getRef()));
            final RdmaTransport.ShutdownComplete c = f.await(done, RdmaTransport.ShutdownComplete.class);

            final RdmaTransport.RegisterFailed r = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    registerAsync(f, Direction.PEER_READS, f.segment(64)).receiveMessage(Duration.ofSeconds(10)));
            assertEquals(TransportError.Kind.STOPPED, r.error().kind());
            final TestProbe<RdmaTransport.SendReply> s = f.kit.createTestProbe(RdmaTransport.SendReply.class);
            f.transport.tell(new RdmaTransport.Send(List.of(f.segment(64)), 3, s.getRef()));
            assertEquals(TransportError.Kind.STOPPED, assertInstanceOf(RdmaTransport.SendFailed.class,
                    s.receiveMessage(Duration.ofSeconds(10))).error().kind());
            assertTrue(f.invalidate(a).receiveMessage(Duration.ofSeconds(10)).fenced());
            final TestProbe<RdmaTransport.ShutdownComplete> again = f.kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
            f.transport.tell(new RdmaTransport.Shutdown(again.getRef()));
            assertEquals(c, again.receiveMessage(Duration.ofSeconds(10)));
            assertEquals(0, f.counters().occupancy().allocated());
        }
    }

    // 11 ------------------------------------------------------------------------------------------------------

    @Test
    void aRegistrationOfAnotherTransportIsABadRequest() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final SimDevice otherDevice = f.fabric.endpoint("client2");
            final ActorRef<RdmaTransport.Command> k2 = f.kit.spawn(RdmaTransport.create(f.settings, otherDevice,
                    ConnectionSpec.to("server")));
            final Registration ofK1 = f.register(Direction.PEER_WRITES, f.segment(4096)).registration();
            final int rkey = ofK1.chunk(0).get(0).rkey();
            final TestProbe<RdmaTransport.Invalidated> p = f.kit.createTestProbe(RdmaTransport.Invalidated.class);
            k2.tell(RdmaTransport.Invalidate.of(ofK1, p.getRef()));
            final RdmaTransport.Invalidated refused = f.await(p, RdmaTransport.Invalidated.class);
            assertFalse(refused.fenced());
            assertNotNull(refused.error());
            assertEquals(TransportError.Kind.BAD_REQUEST, refused.error().kind());
            assertTrue(f.client.isRkeyLive(rkey), "nothing of k1's was touched");
            final TestProbe<MrAudit> audit = f.kit.createTestProbe(MrAudit.class);
            k2.tell(new RdmaTransport.GetAudit(audit.getRef()));
            assertEquals(0, audit.receiveMessage(Duration.ofSeconds(10)).occupancy().registered());
            // k1 still answers its own Invalidate only when the LOCAL_INV ran.
            final Delivered d = f.await(invalidateChecked(f, ofK1), Delivered.class);
            assertTrue(d.answer().fenced());
            assertFalse(d.reachableAtDelivery());
        }
    }

    // 12 ------------------------------------------------------------------------------------------------------

    @Test
    void successfulReconnectsDoNotUseUpTheRestartBudget() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.connection.reconnect { max-restarts = 3, max-restarts-within = 1m }")) {
            f.awaitUp();
            for (int drop = 1; drop <= 4; drop++) {
                f.fabric.faults().breakQp(f.clientQp());
                f.await(f.inbound, RdmaTransport.ConnectionDown.class);
                final RdmaTransport.ConnectionUp up = f.await(f.inbound, RdmaTransport.ConnectionUp.class);
                assertEquals(drop + 1, up.epoch(), "link drop " + drop + " was followed by a reconnect");
            }
            final Registration r = f.register(Direction.PEER_READS, f.segment(4096)).registration();
            assertTrue(f.await(f.invalidate(r), RdmaTransport.Invalidated.class).fenced());
            assertEquals(0, f.counters().get(TransportCounter.CONNECT_FAILURES));
        }
    }

    @Test
    void failedConnectAttemptsStillExhaustTheBudget() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE,
                "frwr-transport.connection.reconnect { max-restarts = 2, max-restarts-within = 1m }")) {
            f.awaitUp();
            f.fabric.faults().rejectNextConnects("server", 100);
            f.fabric.faults().breakQp(f.clientQp());
            final RdmaTransport.ConnectionDown gaveUp = f.kit.createTestProbe().awaitAssert(Duration.ofSeconds(20),
                    Duration.ofMillis(2), () -> {
                        f.stepAll();
                        f.time.timePasses(Duration.ofMillis(50));
                        final RdmaTransport.ConnectionDown down = assertInstanceOf(RdmaTransport.ConnectionDown.class,
                                f.inbound.receiveMessage(Duration.ofMillis(5)));
                        assertTrue(down.gaveUp(), "not given up yet: " + down);
                        return down;
                    });
            assertTrue(gaveUp.reason().contains("gave up"), gaveUp.reason());
            assertEquals(3, f.counters().get(TransportCounter.CONNECT_FAILURES), "the first try and 2 restarts");
        }
    }

    // 13 ------------------------------------------------------------------------------------------------------

    @Test
    void aDeadChildEndsWaitingAndLaterRequestsAndLeaksNoMr() throws Exception {
        final WrappedDevice[] dev = new WrappedDevice[1];
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "", d -> {
            dev[0] = WrappedDevice.plain(d);
            dev[0].allocsLeft.set(8); // the device holds 8 MRs; the pool wants 16
            return dev[0];
        })) {
            final TestProbe<RdmaTransport.RegisterReply> r = registerAsync(f, Direction.PEER_READS, f.segment(4096));
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    f.await(r, RdmaTransport.RegisterReply.class));
            assertEquals(TransportError.Kind.TRANSPORT_FAILED, failed.error().kind());
            assertTrue(failed.error().message().contains("MR pool"), failed.error().message());
            assertTrue(failed.error().message().contains("no more MRs"), "says why: " + failed.error().message());
            assertEquals(0, f.client.liveMrCount(), "the MRs allocated before the failure were given back");
            final TestProbe<TransportEvent> events = f.kit.createTestProbe(TransportEvent.class);
            f.transport.tell(new RdmaTransport.WatchEvents(events.getRef()));
            assertEquals(TransportError.Kind.TRANSPORT_FAILED, assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    f.await(registerAsync(f, Direction.PEER_READS, f.segment(64)), RdmaTransport.RegisterReply.class))
                    .error().kind(), "and later requests too");
        }
    }

    // 14 ------------------------------------------------------------------------------------------------------

    @Test
    void memoryOfAnotherDeviceIsABadRequest() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            f.awaitUp();
            final Segment peers = f.server.mapBuffer(ByteBuffer.allocateDirect(4096)).segment(0, 4096);
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    f.registerReply(Direction.PEER_WRITES, peers));
            assertEquals(TransportError.Kind.BAD_REQUEST, failed.error().kind());
            assertTrue(failed.error().message().contains("another device"), failed.error().message());
            assertEquals(QpState.RTS, f.clientQp().state(), "nothing was posted: the connection serves everyone");
            assertEquals(0, f.fabric.stats().executed(io.frwr.verbs.Opcode.FAST_REG));
            f.register(Direction.PEER_WRITES, f.segment(4096));
        }
    }

    /** Tiny helpers the tests above share with nothing else. */
    private static final class RdmaTransportTestSupport {
        static int index(Registration r) {
            return io.frwr.verbs.RKey.index(r.chunk(0).get(0).rkey());
        }
    }

}
