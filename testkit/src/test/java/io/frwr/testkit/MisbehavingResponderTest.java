package io.frwr.testkit;

import io.frwr.actors.PoolOccupancy;
import io.frwr.rpc.client.CallError;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.ClientCounter;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.verbs.Segment;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.sim.SimStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each {@link Misbehavior} against the RpcRdmaClient through the transport: the requester ends the call with
 * a specific error or the fabric refuses the access, no caller byte changes after the call ended, and every
 * invariant holds with every MR back in the pool.
 */
class MisbehavingResponderTest {
    private static final int PROGRAM = 100003;
    private static final int VERSION = 3;
    private static final int PROC_READ = 6;
    private static final int PROC_WRITE = 7;
    private static final int SINK = 8192;
    private static final int MAX_CREDITS = 8;
    /** What the test writes into a caller buffer after its call ended, so a later remote write would show. */
    private static final byte UNTOUCHED = 0x11;

    private static FrwrTestKit kit(long seed) {
        final FrwrTestKit kit = FrwrTestKit.builder().seed(seed).withMisbehavingResponder()
                .withRpcClient(ClientSettings.defaults().withMaxCredits(MAX_CREDITS).withMaxRetransmits(1)
                        .withCallTimeout(Duration.ofSeconds(5)))
                .build();
        kit.awaitConnected();
        return kit;
    }

    /** A call whose result goes by RDMA WRITE into {@code sink} (a write chunk), like NFS READ. */
    private static RpcCallSpec intoSink(Segment sink) {
        return RpcCallSpec.of(PROGRAM, VERSION, PROC_READ, new byte[8], 64).withResultSink(sink);
    }

    /** A call whose argument the responder pulls by RDMA READ (a read chunk), like NFS WRITE. */
    private static RpcCallSpec fromData(Segment data) {
        return RpcCallSpec.of(PROGRAM, VERSION, PROC_WRITE, new byte[8], 64).withDdpArgument(data, 4);
    }

    static byte[] bytes(Segment s) {
        final byte[] out = new byte[s.length()];
        s.buffer().buffer().get(s.offset(), out);
        return out;
    }

    static void fill(Segment s, byte value) {
        for (int i = 0; i < s.length(); i++) {
            s.buffer().buffer().put(s.offset() + i, value);
        }
    }

    static byte[] filled(int length, byte value) {
        final byte[] b = new byte[length];
        Arrays.fill(b, value);
        return b;
    }

    private static CallError.Kind failure(CallResult r) {
        return assertInstanceOf(CallResult.CallFailed.class, r, "the call must fail").kind();
    }

    /** Let recovery and reconnects finish, then: every invariant holds and every MR is back in the pool. */
    static void assertInvariantsAndEveryMrAccounted(FrwrTestKit kit) {
        kit.advance(Duration.ofSeconds(2));
        kit.runUntilQuiet();
        kit.invariants().assertAll();
        final PoolOccupancy o = kit.audit().occupancy();
        assertEquals(0, o.registered(), "no MR may stay registered once every call ended: " + o);
        assertEquals(0, o.orphaned(), "no MR may be orphaned: " + o);
        assertEquals(o.allocated(), o.free(), "every MR is back in the pool: " + o);
    }

    @Test
    void none_servesWriteAndReadChunks() {
        try (FrwrTestKit kit = kit(1)) {
            final Segment sink = kit.memory(SINK);
            final CallResult r = kit.callAndAwait(intoSink(sink));
            final CallResult.CallSucceeded ok = assertInstanceOf(CallResult.CallSucceeded.class, r);
            assertEquals(SINK, ok.ddpBytesWritten());
            assertArrayEquals(filled(SINK, MisbehavingResponder.PATTERN), bytes(sink));
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(fromData(kit.memory(SINK))));
            assertEquals(0, kit.fabric().stats().remoteAccessDeniedTotal());
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void writeAfterReply_cannotTouchTheSinkOnceTheCallEnded() {
        try (FrwrTestKit kit = kit(2)) {
            final MisbehavingResponder responder = kit.misbehavingResponder();
            responder.misbehave(Misbehavior.WRITE_AFTER_REPLY);
            final Segment sink = kit.memory(SINK);
            final byte[][] atEnd = new byte[1][];
            final CallResult r = kit.await(kit.call(intoSink(sink), x -> atEnd[0] = bytes(sink)), CallResult.class);
            assertInstanceOf(CallResult.CallSucceeded.class, r);
            kit.runUntilQuiet();
            assertArrayEquals(atEnd[0], bytes(sink), "the late WRITE changed the sink after the call ended");
            assertEquals(1, responder.completions().stream()
                    .filter(o -> o.label().startsWith("WRITE after reply")).count(), "the late WRITE was posted");
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void invalidatedRkey_writeIsRefusedAndThePreviousSinkStaysUnchanged() {
        try (FrwrTestKit kit = kit(3)) {
            final MisbehavingResponder responder = kit.misbehavingResponder();
            final Segment first = kit.memory(SINK);
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(intoSink(first)));
            fill(first, UNTOUCHED);
            responder.misbehave(Misbehavior.INVALIDATED_RKEY);
            final Segment second = kit.memory(SINK);
            // Every transmission is refused, so the call runs out of retransmits.
            assertEquals(CallError.Kind.CONNECTION_LOST, failure(kit.callAndAwait(intoSink(second))));
            assertTrue(responder.count("WRITE rkey", WcStatus.REM_ACCESS_ERR) >= 1, responder.completions()::toString);
            assertEquals(1, responder.count("WRITE rkey", WcStatus.SUCCESS), "only the first call's WRITE may land");
            assertArrayEquals(filled(SINK, UNTOUCHED), bytes(first), "a WRITE with the old rkey reached memory");
            assertArrayEquals(new byte[SINK], bytes(second));
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void invalidatedRkey_readIsRefused() {
        try (FrwrTestKit kit = kit(4)) {
            final MisbehavingResponder responder = kit.misbehavingResponder();
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(fromData(kit.memory(SINK))));
            responder.misbehave(Misbehavior.INVALIDATED_RKEY);
            final Segment data = kit.memory(SINK);
            fill(data, UNTOUCHED);
            assertEquals(CallError.Kind.CONNECTION_LOST, failure(kit.callAndAwait(fromData(data))));
            assertTrue(responder.count("READ", WcStatus.REM_ACCESS_ERR) >= 1, responder.completions()::toString);
            assertEquals(1, responder.count("READ", WcStatus.SUCCESS), "only the first call's READ may succeed");
            assertArrayEquals(filled(SINK, UNTOUCHED), bytes(data));
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void oldKeyByte_writeAndReadAreRefusedAsKeyMismatch() {
        try (FrwrTestKit kit = kit(5)) {
            final MisbehavingResponder responder = kit.misbehavingResponder();
            responder.misbehave(Misbehavior.OLD_KEY_BYTE);
            final Segment sink = kit.memory(SINK);
            assertEquals(CallError.Kind.CONNECTION_LOST, failure(kit.callAndAwait(intoSink(sink))));
            assertEquals(CallError.Kind.CONNECTION_LOST, failure(kit.callAndAwait(fromData(kit.memory(SINK)))));
            assertEquals(0, responder.count("WRITE", WcStatus.SUCCESS) + responder.count("READ", WcStatus.SUCCESS));
            assertTrue(responder.count("WRITE", WcStatus.REM_ACCESS_ERR) >= 1, responder.completions()::toString);
            assertTrue(responder.count("READ", WcStatus.REM_ACCESS_ERR) >= 1, responder.completions()::toString);
            assertEquals(kit.fabric().stats().remoteAccessDeniedTotal(),
                    kit.fabric().stats().denied(SimStats.DenyReason.KEY_MISMATCH), "refused for the key byte only");
            assertArrayEquals(new byte[SINK], bytes(sink), "a WRITE under an old key byte reached memory");
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void beyondSegment_writeIsRefusedAndNoByteAroundTheSinkChanges() {
        try (FrwrTestKit kit = kit(6)) {
            final MisbehavingResponder responder = kit.misbehavingResponder();
            responder.misbehave(Misbehavior.BEYOND_SEGMENT);
            // The sink is the first part of a larger buffer: the byte after it is where an overrun would land.
            final Segment whole = kit.memory(SINK + 4096);
            final Segment sink = whole.buffer().segment(whole.offset(), SINK);
            assertEquals(CallError.Kind.CONNECTION_LOST, failure(kit.callAndAwait(intoSink(sink))));
            assertTrue(responder.count("WRITE", WcStatus.REM_ACCESS_ERR) >= 1, responder.completions()::toString);
            assertEquals(0, responder.count("WRITE", WcStatus.SUCCESS));
            assertTrue(kit.fabric().stats().denied(SimStats.DenyReason.BOUNDS) >= 1);
            assertArrayEquals(new byte[SINK + 4096], bytes(whole), "a WRITE past the segment reached memory");
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void emptyChunkInReply_failsBadReply() {
        try (FrwrTestKit kit = kit(7)) {
            kit.misbehavingResponder().misbehave(Misbehavior.EMPTY_CHUNK_IN_REPLY);
            final CallResult.CallFailed f = assertInstanceOf(CallResult.CallFailed.class,
                    kit.callAndAwait(intoSink(kit.memory(SINK))));
            assertEquals(CallError.Kind.BAD_REPLY, f.kind());
            assertTrue(f.error().message().contains("0 segments"), f.error()::toString);
            assertEquals(1, kit.clientStats().get(ClientCounter.UNDECODABLE_REPLIES));
            assertEquals(1, kit.clientStats().failures(CallError.Kind.BAD_REPLY));
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void oversizeChunkInReply_failsBadReply() {
        try (FrwrTestKit kit = kit(8)) {
            kit.misbehavingResponder().misbehave(Misbehavior.OVERSIZE_CHUNK_IN_REPLY);
            final CallResult.CallFailed f = assertInstanceOf(CallResult.CallFailed.class,
                    kit.callAndAwait(intoSink(kit.memory(SINK))));
            assertEquals(CallError.Kind.BAD_REPLY, f.kind());
            assertTrue(f.error().message().contains("claims " + (SINK + 4096) + " bytes written; the call offered "
                    + SINK), f.error()::toString);
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void unknownXid_isIgnoredAndCountedAndTheCallTimesOut() {
        try (FrwrTestKit kit = kit(9)) {
            kit.misbehavingResponder().misbehave(Misbehavior.UNKNOWN_XID);
            assertEquals(CallError.Kind.TIMEOUT, failure(kit.callAndAwait(intoSink(kit.memory(SINK)))));
            assertEquals(1, kit.clientStats().get(ClientCounter.UNMATCHED_REPLIES));
            assertEquals(0, kit.clientStats().get(ClientCounter.SUCCEEDED));
            assertEquals(1, kit.misbehavingResponder().calls(), "a timed-out call is not resent");
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void zeroCredits_areClampedToOneAndCallsStillFlow() {
        try (FrwrTestKit kit = kit(10)) {
            kit.misbehavingResponder().misbehave(Misbehavior.ZERO_CREDITS);
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(intoSink(kit.memory(SINK))));
            assertEquals(1, kit.clientStats().credits());
            // With one credit, calls go one at a time but none deadlocks.
            final var a = kit.call(intoSink(kit.memory(SINK)));
            final var b = kit.call(intoSink(kit.memory(SINK)));
            assertInstanceOf(CallResult.CallSucceeded.class, kit.await(a, CallResult.class));
            assertInstanceOf(CallResult.CallSucceeded.class, kit.await(b, CallResult.class));
            assertEquals(1, kit.clientStats().maxOutstanding());
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void excessCredits_areClampedToTheClientsMaximum() {
        try (FrwrTestKit kit = kit(11)) {
            kit.misbehavingResponder().misbehave(Misbehavior.EXCESS_CREDITS);
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(intoSink(kit.memory(SINK))));
            assertEquals(MAX_CREDITS, kit.clientStats().credits());
            assertInvariantsAndEveryMrAccounted(kit);
        }
    }
}
