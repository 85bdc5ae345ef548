package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
import io.frwr.actors.Handle;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.actors.TransportCounters;
import io.frwr.actors.TransportError;
import io.frwr.actors.TransportEvent;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.Segment;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.sim.SimCosts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit's wrappers for the whole transport API, its bursts, its peer and its orderly close. */
class KitApiTest {
    private static final int PAGE = 4096;

    private static FrwrTestKit connected(long seed) {
        final FrwrTestKit kit = FrwrTestKit.builder().seed(seed).build();
        kit.awaitConnected();
        return kit;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] bytesOf(Segment s) {
        final byte[] out = new byte[s.length()];
        s.buffer().buffer().get(s.offset(), out);
        return out;
    }

    static Segment filled(FrwrTestKit kit, byte[] content) {
        final Segment s = kit.memory(content.length);
        s.buffer().buffer().put(s.offset(), content);
        return s;
    }

    @Test
    void registerAndSend_theSendReachesThePeerAfterTheRegistration() {
        try (FrwrTestKit kit = connected(201)) {
            final Segment message = kit.memory(64);
            final KitTransport.RegisterAndSend r = kit.registerAndSendAsync(
                    List.of(ChunkRequest.of(Direction.PEER_WRITES, kit.memory(PAGE))), reg -> {
                        final byte[] text = ascii("rkey " + reg.chunk(0).get(0).rkey());
                        message.buffer().buffer().put(message.offset(), text);
                        return List.of(message.buffer().segment(message.offset(), text.length));
                    });
            final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                    kit.await(r.registered(), RdmaTransport.RegisterReply.class));
            assertInstanceOf(RdmaTransport.Sent.class, kit.await(r.sent(), RdmaTransport.SendReply.class));
            final List<byte[]> received = kit.peer().received();
            assertEquals(1, received.size());
            assertEquals("rkey " + ok.registration().chunk(0).get(0).rkey(),
                    new String(received.get(0), StandardCharsets.US_ASCII));
            assertTrue(kit.invalidate(ok.registration()).fenced());
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }

    @Test
    void registerAndSend_aBuilderThatThrowsFailsTheRegisterAndLeavesNoRequestOpen() {
        try (FrwrTestKit kit = connected(202)) {
            final KitTransport.RegisterAndSend r = kit.registerAndSendAsync(
                    List.of(ChunkRequest.of(Direction.PEER_WRITES, kit.memory(PAGE))), reg -> {
                        throw new IllegalStateException("no header for you");
                    });
            final RdmaTransport.RegisterFailed failed = assertInstanceOf(RdmaTransport.RegisterFailed.class,
                    kit.await(r.registered(), RdmaTransport.RegisterReply.class));
            assertEquals(TransportError.Kind.BAD_REQUEST, failed.error().kind());
            kit.runUntilQuiet();
            assertNull(FrwrTestKit.poll(r.sent()), "a failed Register posts no SEND, so none is answered");
            assertEquals(List.of(), kit.transportUnderTest().unansweredRequests(),
                    "the SEND of a failed Register.andSend must not count as unanswered");
        }
    }

    @Test
    void send_deliversTheGatheredBytesToThePeer() {
        try (FrwrTestKit kit = connected(203)) {
            final Segment a = filled(kit, ascii("gathered "));
            final Segment b = filled(kit, ascii("bytes"));
            assertInstanceOf(RdmaTransport.Sent.class, kit.send(a, b));
            assertEquals(List.of("gathered bytes"), kit.peer().received().stream()
                    .map(m -> new String(m, StandardCharsets.US_ASCII)).toList());
            assertEquals(List.of(), kit.transportUnderTest().unansweredRequests());
        }
    }

    @Test
    void peerSendWithInvalidate_thenInvalidateAfterRemote_isFencedAndTheRkeyIsDead() {
        try (FrwrTestKit kit = connected(204)) {
            final TransportProbe events = kit.events();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            final int rkey = reg.chunk(0).get(0).rkey();
            assertEquals(WcStatus.SUCCESS, kit.peer().sendWithInvalidate(rkey, ascii("reply")));
            kit.runUntilQuiet();
            assertFalse(kit.clientDevice().isRkeyLive(rkey), "the peer's SEND_WITH_INV invalidated it");

            final RdmaTransport.Invalidated inv = kit.invalidateAfterRemote(reg, rkey);
            assertTrue(inv.fenced());
            assertTrue(events.expectMrInvalidated(rkey).remotely());
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }

    @Test
    void peerWriteAndRead_reachRegisteredMemoryAndAreRefusedAfterInvalidation() {
        try (FrwrTestKit kit = connected(205)) {
            final Segment sink = kit.memory(PAGE);
            final Registration writable = kit.registerOk(Direction.PEER_WRITES, sink);
            final Handle w = writable.chunk(0).get(0);
            assertEquals(WcStatus.SUCCESS, kit.peer().write(w, ascii("written by the peer")));
            assertEquals("written by the peer", new String(Arrays.copyOf(bytesOf(sink), 19), StandardCharsets.US_ASCII));

            final Segment source = filled(kit, ascii("read by the peer"));
            final Registration readable = kit.registerOk(Direction.PEER_READS, source);
            final Peer.ReadResult read = kit.peer().read(readable.chunk(0).get(0), source.length());
            assertEquals(WcStatus.SUCCESS, read.status());
            assertArrayEquals(ascii("read by the peer"), read.bytes());

            assertTrue(kit.invalidate(readable).fenced());
            assertTrue(kit.invalidate(writable).fenced());
            assertEquals(WcStatus.REM_ACCESS_ERR, kit.peer().write(w, ascii("too late")),
                    "an invalidated rkey must not reach the caller's memory");
            assertEquals("written by the peer", new String(Arrays.copyOf(bytesOf(sink), 19), StandardCharsets.US_ASCII));
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }

    @Test
    void shutdown_completesInOrderDeregistersEveryMrAndStopsTheTransport() {
        try (FrwrTestKit kit = connected(206)) {
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            assertTrue(kit.invalidate(reg).fenced());
            assertTrue(kit.clientDevice().liveMrCount() > 0, "the pool's MRs are allocated before shutdown");

            final RdmaTransport.ShutdownComplete done = kit.shutdown();
            kit.runUntilQuiet();
            assertEquals(0, done.counters().occupancy().allocated(), done::toString);
            assertEquals(0, kit.clientDevice().liveMrCount(), "every MR deregistered");
            // The transport stays as a tombstone that answers every later request, instead of dead letters.
            assertFalse(kit.transportUnderTest().isTerminated());
            final RdmaTransport.RegisterReply after = kit.register(Direction.PEER_READS, kit.memory(PAGE));
            assertEquals(io.frwr.actors.TransportError.Kind.STOPPED,
                    assertInstanceOf(RdmaTransport.RegisterFailed.class, after).error().kind());
            assertEquals(List.of(), kit.transportUnderTest().unansweredRequests());
        }
    }

    @Test
    void close_shutsTheTransportDownInOrderAndIsSafeTwiceOrAfterAShutdown() {
        final FrwrTestKit kit = connected(207);
        kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE)); // held at close
        kit.close();
        assertNotNull(kit.transportUnderTest().shutdownComplete(), "close() sent an orderly Shutdown");
        assertTrue(kit.transportUnderTest().isTerminated());
        kit.close();

        try (FrwrTestKit shut = connected(208)) {
            shut.shutdown();
            shut.runUntilQuiet();
            assertFalse(shut.transportUnderTest().isTerminated(), "a shut-down transport answers STOPPED until stopped");
        } // close after the transport shut down by itself
    }

    @Test
    void aReplyToAFreshProbeIsThereAfterRunUntilQuiet() {
        // A probe's actor is started by the system guardian; before the internal dispatcher was counted,
        // about one reply in three to a just-made probe was still on its way when runUntilQuiet returned.
        try (FrwrTestKit kit = connected(209)) {
            int missing = 0;
            for (int i = 0; i < 200; i++) {
                final TestProbe<TransportCounters.Snapshot> p = kit.actorTestKit()
                        .createTestProbe(TransportCounters.Snapshot.class);
                kit.transport().tell(new RdmaTransport.GetCounters(p.getRef()));
                kit.runUntilQuiet();
                if (FrwrTestKit.poll(p) == null) {
                    missing++;
                }
            }
            assertEquals(0, missing, "replies not yet in their probe after runUntilQuiet");
        }
    }

    private record BurstRun(List<String> trace, List<String> replies) { }

    private static BurstRun burstOfRegistersAndAnInvalidate(long seed) {
        try (FrwrTestKit kit = connected(seed)) {
            final Registration first = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            final long registrationsBefore = kit.counters().get(io.frwr.actors.TransportCounter.REGISTRATIONS);
            final List<TestProbe<RdmaTransport.RegisterReply>> registers = new ArrayList<>();
            final TestProbe<RdmaTransport.Invalidated> invalidated;
            try (Burst burst = kit.burst()) {
                for (int i = 0; i < 3; i++) {
                    registers.add(kit.registerAsync(List.of(ChunkRequest.of(Direction.PEER_WRITES, kit.memory(PAGE)))));
                }
                invalidated = kit.invalidateAsync(first);
                assertEquals(4, burst.size());
                assertEquals(4, kit.transportUnderTest().unansweredRequests().size(), "tracked before it is sent");
                assertThrows(IllegalStateException.class, kit::runUntilQuiet, "nothing was sent yet");
                assertEquals(registrationsBefore, kit.counters().get(io.frwr.actors.TransportCounter.REGISTRATIONS),
                        "the transport has seen none of the burst before it is closed");
            }
            final List<String> replies = new ArrayList<>();
            for (TestProbe<RdmaTransport.RegisterReply> p : registers) {
                final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                        kit.await(p, RdmaTransport.RegisterReply.class));
                replies.add(ok.registration().toString());
            }
            assertTrue(kit.await(invalidated, RdmaTransport.Invalidated.class).fenced());
            for (Registration r : kit.heldRegistrations()) {
                assertTrue(kit.invalidate(r).fenced());
            }
            kit.runUntilQuiet();
            kit.invariants().assertAll();
            return new BurstRun(kit.trace(), replies);
        }
    }

    @Test
    void aBurstIsTrackedSentAtOnceAndStillReplays() {
        final BurstRun a = burstOfRegistersAndAnInvalidate(210);
        final BurstRun b = burstOfRegistersAndAnInvalidate(210);
        assertEquals(a.replies(), b.replies());
        assertEquals(a.trace(), b.trace(), "a seed with a burst must give one fabric trace");
    }

    @Test
    void costs_reachTheFabric() {
        final SimCosts costs = new SimCosts(0, 0, 1_000_000, 0.0, 500);
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(211).costs(costs).build()) {
            kit.awaitConnected();
            assertEquals(costs, kit.fabric().costs());
            final long before = kit.fabric().nowNanos();
            assertTrue(kit.invalidate(kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE))).fenced());
            assertTrue(kit.fabric().nowNanos() - before >= 1_000_000, "a FAST_REG costs 1 ms of fabric time");
        }
    }

    @Test
    void twoTransports_shareTheFabricEachWithItsOwnDeviceAndBooks() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(212)
                .secondTransport("second", "frwr-transport.mr-pool.size = 4").build()) {
            kit.awaitConnected();
            final KitTransport second = kit.transport("second");
            assertNotNull(second);
            second.awaitConnected();
            assertNotEquals(kit.clientDevice(), second.device());
            assertEquals(4, second.settings().mrPool().size());
            assertEquals(2, kit.transports().size());

            final Registration mine = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            final Registration theirs = second.registerOk(Direction.PEER_WRITES, second.memory(PAGE));
            assertEquals(List.of(mine), kit.heldRegistrations());
            assertEquals(List.of(theirs), second.heldRegistrations());
            assertEquals(WcStatus.SUCCESS, kit.peer().write(theirs.chunk(0).get(0), ascii("to the second")));

            assertTrue(second.invalidate(theirs).fenced());
            assertTrue(kit.invalidate(mine).fenced());
            assertEquals(List.of(), second.unansweredRequests());
            assertEquals(List.of(), second.earlyReleases());
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }

    @Test
    void addTransport_refusesANameInUse() {
        try (FrwrTestKit kit = connected(213)) {
            kit.addTransport("other", "");
            assertThrows(IllegalArgumentException.class, () -> kit.addTransport("other", ""));
            assertThrows(IllegalArgumentException.class, () -> kit.addTransport(FrwrTestKit.SERVER, ""));
        }
    }

    @Test
    void postedWrs_countsPerTransport() {
        try (FrwrTestKit kit = connected(214)) {
            final KitTransport other = kit.addTransport("other", "");
            other.awaitConnected();
            assertTrue(other.invalidate(other.registerOk(Direction.PEER_READS, other.memory(PAGE))).fenced());
            assertEquals(1, other.postedWrs(Opcode.FAST_REG));
            assertEquals(0, kit.postedWrs(Opcode.FAST_REG));
            assertTrue(other.eventHistory().stream().anyMatch(e -> e instanceof TransportEvent.MrRegistered));
        }
    }
}
