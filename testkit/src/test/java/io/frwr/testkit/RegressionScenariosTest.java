package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.actors.TransportEvent;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.Segment;
import io.frwr.verbs.WcStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.frwr.testkit.MisbehavingResponderTest.bytes;
import static io.frwr.testkit.MisbehavingResponderTest.fill;
import static io.frwr.testkit.MisbehavingResponderTest.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The five regressions of issue 5 item 7, each replayable by its seed. */
class RegressionScenariosTest {
    private static final int PAGE = 4096;
    private static final byte UNTOUCHED = 0x11;

    private static RpcCallSpec intoSink(Segment sink) {
        return RpcCallSpec.of(100003, 3, 6, new byte[8], 64).withResultSink(sink);
    }

    private static FrwrTestKit rpcKit(long seed) {
        final FrwrTestKit kit = FrwrTestKit.builder().seed(seed).withMisbehavingResponder()
                .withRpcClient(ClientSettings.defaults().withCallTimeout(Duration.ofSeconds(10))).build();
        kit.awaitConnected();
        return kit;
    }

    private static List<Integer> registeredRkeys(FrwrTestKit kit) {
        final List<Integer> out = new ArrayList<>();
        for (TransportEvent e : kit.eventHistory()) {
            if (e instanceof TransportEvent.MrRegistered r) {
                out.add(r.rkey());
            }
        }
        return out;
    }

    private static List<Integer> liveOf(FrwrTestKit kit, List<Integer> rkeys) {
        return rkeys.stream().filter(kit.clientDevice()::isRkeyLive).toList();
    }

    private static List<Integer> rkeysOf(Registration r) {
        return r.chunks().stream().flatMap(List::stream).map(h -> h.rkey()).toList();
    }

    @Test
    void responderWritesAfterTheReply_callerBufferUnchanged() {
        try (FrwrTestKit kit = rpcKit(101)) {
            final MisbehavingResponder responder = kit.misbehavingResponder();
            responder.misbehave(Misbehavior.WRITE_AFTER_REPLY);
            final Segment sink = kit.memory(2 * PAGE);
            final AtomicReference<byte[]> atEnd = new AtomicReference<>();
            final CallResult r = kit.await(kit.call(intoSink(sink), x -> atEnd.set(bytes(sink))), CallResult.class);
            assertInstanceOf(CallResult.CallSucceeded.class, r);
            kit.runUntilQuiet();
            assertArrayEquals(atEnd.get(), bytes(sink), "the WRITE chained after the reply landed after the call ended");

            // The caller reuses its buffer; the responder replays the WRITE with the handle it was given.
            fill(sink, UNTOUCHED);
            assertTrue(responder.writeAgain(), "the responder must still be connected to replay the WRITE");
            kit.runUntilQuiet();
            assertEquals(1, responder.count("late WRITE", WcStatus.REM_ACCESS_ERR), responder.completions()::toString);
            assertArrayEquals(filled(2 * PAGE, UNTOUCHED), bytes(sink), "a released buffer was written");
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void localInvFlushedByDisconnect_callerReleasedOnlyAfterDeregistration() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(102).build()) {
            kit.awaitConnected();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(3 * PAGE));
            final List<Integer> rkeys = rkeysOf(reg);
            final AtomicReference<List<Integer>> liveAtRelease = new AtomicReference<>();
            final AtomicLong deregsAtRelease = new AtomicLong(-1);
            final long localInvs = kit.postedWrs(Opcode.LOCAL_INV);
            final TestProbe<RdmaTransport.Invalidated> p = kit.invalidateAsync(reg, inv -> {
                liveAtRelease.set(liveOf(kit, rkeys));
                deregsAtRelease.set(kit.fabric().stats().mrsDeregistered());
            });
            assertTrue(kit.stepUntil(() -> kit.postedWrs(Opcode.LOCAL_INV) > localInvs), "no LOCAL_INV was posted");
            final long deregsAtDisconnect = kit.fabric().stats().mrsDeregistered();
            // The peer disconnects before the LOCAL_INV executed: it flushes and the MR stays VALID in hardware.
            kit.serverQueuePairs().get(kit.serverQueuePairs().size() - 1).disconnect();

            final RdmaTransport.Invalidated inv = kit.await(p, RdmaTransport.Invalidated.class);
            assertTrue(inv.fenced(), "recovery deregistered the MR, so the memory is fenced");
            assertEquals(List.of(), liveAtRelease.get(), "rkeys still live when the caller got its memory back");
            assertTrue(deregsAtRelease.get() >= deregsAtDisconnect + rkeys.size(),
                    "the caller was released before its MRs were deregistered (" + deregsAtDisconnect + " -> "
                            + deregsAtRelease.get() + " deregistrations)");
            assertTrue(kit.eventHistory().stream().noneMatch(e -> e instanceof TransportEvent.MrInvalidated i
                    && rkeys.contains(i.rkey())), "the LOCAL_INV was expected to flush, not execute");
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @ParameterizedTest(name = "recovery.strategy = {0}")
    @ValueSource(strings = {"per-mr", "rebuild-on-reconnect"})
    void mrsRegisteredAtReset_areNotReusedRegistered(String strategy) {
        final int pool = 8;
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(103).transportConfig("frwr-transport { mr-pool.size = "
                + pool + ", recovery.strategy = " + strategy + " }").build()) {
            kit.awaitConnected();
            final TransportProbe events = kit.events();
            final List<Registration> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE)));
            }
            // Two more whose FAST_REGs are posted but not executed when the QP resets.
            final List<TestProbe<RdmaTransport.RegisterReply>> inFlight = List.of(
                    kit.registerAsync(List.of(ChunkRequest.of(Direction.PEER_READS, kit.memory(PAGE)))),
                    kit.registerAsync(List.of(ChunkRequest.of(Direction.PEER_READS, kit.memory(PAGE)))));
            kit.inject(FaultScript.breakQpNow());
            events.expectDrainFinished();
            events.expectReconnected();
            for (TestProbe<RdmaTransport.RegisterReply> p : inFlight) {
                if (kit.await(p, RdmaTransport.RegisterReply.class) instanceof RdmaTransport.Registered ok) {
                    held.add(ok.registration());
                }
            }
            for (Registration r : held) {
                assertTrue(kit.invalidate(r).fenced(), "held across the reset: " + r);
            }
            // Cycle every MR of the pool through FAST_REG twice on the new connection.
            for (int round = 0; round < 4; round++) {
                final List<Registration> regs = new ArrayList<>();
                for (int i = 0; i < pool / 2; i++) {
                    regs.add(kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE)));
                }
                for (Registration r : regs) {
                    assertTrue(kit.invalidate(r).fenced());
                }
            }
            kit.runUntilQuiet();
            assertTrue(kit.eventHistory().stream().anyMatch(e -> e instanceof TransportEvent.MrToRecovery),
                    "the reset must leave some MR for recovery, or the scenario tests nothing");
            assertEquals(0, kit.fabric().stats().completions(WcStatus.LOC_PROT_ERR),
                    "an MR was fast-registered while still VALID (strategy " + strategy + ")");
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void sendQueueWrap_fastRegAndLocalInvCounted() {
        final int chunks = 8;
        final int concurrent = 4;
        final int rounds = 3;
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(104).transportConfig("frwr-transport { mr-pool.size = 64,"
                + " send-queue.depth = 16, send-queue.signal-interval = 4 }").build()) {
            kit.awaitConnected();
            for (int round = 0; round < rounds; round++) {
                final List<TestProbe<RdmaTransport.RegisterReply>> pending = new ArrayList<>();
                for (int i = 0; i < concurrent; i++) {
                    final List<ChunkRequest> request = new ArrayList<>();
                    for (int c = 0; c < chunks; c++) {
                        request.add(ChunkRequest.of(Direction.PEER_WRITES, kit.memory(PAGE)));
                    }
                    pending.add(kit.registerAsync(request));
                }
                final List<TestProbe<RdmaTransport.Invalidated>> invalidations = new ArrayList<>();
                for (TestProbe<RdmaTransport.RegisterReply> p : pending) {
                    final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                            kit.await(p, RdmaTransport.RegisterReply.class));
                    invalidations.add(kit.invalidateAsync(ok.registration()));
                }
                for (TestProbe<RdmaTransport.Invalidated> p : invalidations) {
                    assertTrue(kit.await(p, RdmaTransport.Invalidated.class).fenced());
                }
            }
            assertEquals(List.of(), kit.postFailures(), "a post failed with a 16-deep send queue");
            assertEquals(List.of(), kit.invariants().sendQueueNeverOverCapacity());
            assertEquals(rounds * concurrent * chunks, kit.postedWrs(Opcode.FAST_REG));
            assertEquals(rounds * concurrent * chunks, kit.postedWrs(Opcode.LOCAL_INV));
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void flushedLocalInv_doesNotCompleteTheCallAsFenced() {
        try (FrwrTestKit kit = rpcKit(105)) {
            final Segment sink = kit.memory(2 * PAGE);
            final AtomicReference<List<Integer>> liveAtResult = new AtomicReference<>();
            final TestProbe<CallResult> p = kit.call(intoSink(sink),
                    r -> liveAtResult.set(liveOf(kit, registeredRkeys(kit))));
            assertTrue(kit.stepUntil(() -> kit.postedWrs(Opcode.LOCAL_INV) > 0), "the call never posted LOCAL_INV");
            final List<Integer> rkeys = registeredRkeys(kit);
            assertFalse(rkeys.isEmpty());
            assertEquals(rkeys, liveOf(kit, rkeys), "the LOCAL_INV must not have executed yet");
            kit.inject(FaultScript.breakQpNow());

            assertInstanceOf(CallResult.CallSucceeded.class, kit.await(p, CallResult.class));
            assertEquals(List.of(), liveAtResult.get(), "the result came while the call's rkey was still live");
            assertTrue(kit.eventHistory().stream().noneMatch(e -> e instanceof TransportEvent.MrInvalidated i
                    && rkeys.contains(i.rkey())), "the LOCAL_INV was expected to flush, not execute");
            assertTrue(kit.fabric().stats().flushed() > 0);
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }
}
