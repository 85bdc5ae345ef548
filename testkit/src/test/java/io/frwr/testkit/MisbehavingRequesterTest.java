package io.frwr.testkit;

import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.RdmaErrorBody;
import io.frwr.rpc.rdma.RdmaProc;
import io.frwr.rpc.server.ResponderSettings;
import io.frwr.rpc.server.ResponderStats;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.testkit.MisbehavingRequester.Hostility;
import io.frwr.verbs.sim.SimStats;
import io.frwr.verbs.sim.WireMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each hostile requester behaviour against the real responder, with a well-behaved requester on another
 * connection: the responder answers or drops as RFC 8166 says, counts it, stays up and keeps serving.
 */
class MisbehavingRequesterTest {
    private static final long SEED = 11;

    /** One hostile call, then the well-behaved requester is served and the responder still answers. */
    private record Outcome(HostileRig rig, MisbehavingRequester hostile, MisbehavingRequester.Reply reply,
                           ResponderStats stats, SimStats fabric) {
    }

    private static Outcome provoke(HostileRig rig, Hostility h) throws Exception {
        final MisbehavingRequester honest = rig.connect("honest");
        final MisbehavingRequester hostile = rig.connect("hostile");
        final int xid = hostile.misbehave(h);
        rig.runUntilQuiet();
        rig.assertServes(honest);
        return new Outcome(rig, hostile, hostile.replyTo(xid), rig.stats(), rig.fabric.stats());
    }

    private static void assertErrChunk(Outcome o) {
        assertNotNull(o.reply(), "an RDMA_ERROR reply");
        assertEquals(RdmaProc.RDMA_ERROR, o.reply().header().proc());
        assertInstanceOf(RdmaErrorBody.ErrChunk.class, o.reply().header().error());
        assertTrue(o.hostile().isConnected(), "ERR_CHUNK keeps the connection");
        assertEquals(List.of(), o.hostile().remoteAccesses(), "nothing was read for a refused call");
        assertEquals(1, o.stats().errorsSent());
        assertEquals(1, o.stats().headersRefused());
    }

    /** A failed READ breaks the QP as on hardware: no reply, the connection released, the others unharmed. */
    private static void assertDroppedAfterFailedRead(Outcome o) {
        assertNull(o.reply(), "no reply on a QP the failed READ broke");
        assertTrue(o.hostile().isDisconnected());
        assertEquals(1, o.stats().readFailures());
        assertEquals(1, o.stats().connectionsReleased());
        assertEquals(1, o.stats().activeConnections(), "the well-behaved requester's connection");
        assertEquals(0, o.fabric().staleRkeyAccessSucceeded());
    }

    @Test
    void aRuntMessageWithoutAnXidIsDroppedAndCounted() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final Outcome o = provoke(rig, Hostility.RUNT_MESSAGE);
            assertEquals(List.of(), o.hostile().replies(), "nothing can be answered without an xid");
            assertTrue(o.hostile().isConnected());
            assertEquals(1, o.stats().messagesDropped());
            assertEquals(0, o.stats().errorsSent());
        }
    }

    @Test
    void aTruncatedHeaderGetsErrChunkNamingItsXid() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            assertErrChunk(provoke(rig, Hostility.TRUNCATED_HEADER));
        }
    }

    @Test
    void aWrongVersionGetsErrVersStatingVersionOne() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final Outcome o = provoke(rig, Hostility.WRONG_VERSION);
            final RdmaErrorBody.ErrVers v = assertInstanceOf(RdmaErrorBody.ErrVers.class, o.reply().header().error());
            assertEquals(1, v.low());
            assertEquals(1, v.high());
            assertTrue(o.hostile().isConnected());
            assertEquals(1, o.stats().headersRefused());
        }
    }

    @Test
    void aWriteChunkOfZeroSegmentsGetsErrChunk() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            assertErrChunk(provoke(rig, Hostility.ZERO_SEGMENT_CHUNK));
        }
    }

    @Test
    void aHugeSegmentCountGetsErrChunkAndCountsAsOverLimit() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final Outcome o = provoke(rig, Hostility.HUGE_SEGMENT_COUNT);
            assertErrChunk(o);
            assertEquals(1, o.stats().callsOverLimit());
        }
    }

    @Test
    void aReadChunkPositionedBeyondTheMessageGetsErrChunk() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            assertErrChunk(provoke(rig, Hostility.POSITION_BEYOND_MESSAGE));
        }
    }

    @Test
    void sixteenReadSegmentsOf16MiBGetErrChunkWithNothingOfThatSizeMapped() throws Exception {
        final ResponderSettings settings = ResponderSettings.defaults();
        try (HostileRig rig = new HostileRig(SEED, settings)) {
            final Outcome o = provoke(rig, Hostility.OVERSIZED_READ_LIST);
            assertErrChunk(o);
            assertEquals(1, o.stats().callsOverLimit());
            assertEquals(0, o.stats().bytesRead());
            // Two connections' slots and the GETATTR's small reply: nothing sized by the read list.
            assertTrue(o.stats().peakConnectionBytes() <= 2L * settings.credits() * settings.inlineThreshold(),
                    "peak " + o.stats().peakConnectionBytes());
        }
    }

    @Test
    void overlappingReadSegmentsAreReadWithinTheRegistrationAndServed() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final Outcome o = provoke(rig, Hostility.OVERLAPPING_SEGMENTS);
            assertEquals(RdmaProc.RDMA_MSG, o.reply().header().proc());
            assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(XdrDecoder.of(o.reply().rpc())).status());
            final List<WireMessage> reads = o.hostile().remoteAccesses();
            assertEquals(2, reads.size());
            final long base = reads.get(0).remoteAddr();
            assertEquals(8192, reads.get(0).dmaLength());
            assertEquals(base + 2048, reads.get(1).remoteAddr(), "exactly what the second segment advertised");
            assertEquals(4096, reads.get(1).dmaLength());
            assertEquals(8192 + 4096, o.stats().bytesRead());
        }
    }

    @Test
    void aSegmentLongerThanItsRegistrationFailsTheReadAndDropsOnlyThatConnection() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final Outcome o = provoke(rig, Hostility.LENGTH_BEYOND_REGISTRATION);
            assertDroppedAfterFailedRead(o);
            assertEquals(1, o.fabric().denied(SimStats.DenyReason.BOUNDS));
        }
    }

    @Test
    void anRkeyNeverRegisteredFailsTheReadAndDropsOnlyThatConnection() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final Outcome o = provoke(rig, Hostility.UNREGISTERED_RKEY);
            assertDroppedAfterFailedRead(o);
            assertEquals(1, o.fabric().denied(SimStats.DenyReason.NO_SUCH_MR));
        }
    }

    @Test
    void anRkeyInvalidatedMidCallIsNeverReadThrough() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final Outcome o = provoke(rig, Hostility.INVALIDATE_MID_CALL);
            assertDroppedAfterFailedRead(o);
            assertEquals(1, o.fabric().denied(SimStats.DenyReason.INVALID));
            assertEquals(0, o.stats().bytesRead());
        }
    }

    @Test
    void callsBeyondTheGrantAreAnsweredSystemErrAndTheGrantedOnesServed() throws Exception {
        final ResponderSettings settings = ResponderSettings.defaults().withCredits(4)
                .withServiceTime(Duration.ofSeconds(1));
        try (HostileRig rig = new HostileRig(SEED, settings)) {
            final MisbehavingRequester honest = rig.connect("honest");
            final MisbehavingRequester hostile = rig.connect("hostile");
            final List<Integer> xids = hostile.ignoreCredits(6);
            rig.runUntilQuiet();
            // The four granted calls wait for their service time; the two beyond it are answered at once.
            for (int i = 0; i < 6; i++) {
                final MisbehavingRequester.Reply r = hostile.replyTo(xids.get(i));
                if (i < 4) {
                    assertNull(r, "call " + i + " is within the grant and still being served");
                } else {
                    assertNotNull(r, "call " + i + " beyond the grant");
                    assertEquals(ReplyStatus.SYSTEM_ERR, RpcReplyHeader.decode(XdrDecoder.of(r.rpc())).status());
                }
            }
            rig.advance(settings.serviceTime());
            for (int i = 0; i < 4; i++) {
                assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(XdrDecoder.of(
                        hostile.replyTo(xids.get(i)).rpc())).status());
            }
            rig.assertServes(honest);
            final ResponderStats st = rig.stats();
            assertEquals(2, st.callsOverCredit());
            assertEquals(0, st.connectionsDropped());
            assertTrue(hostile.isConnected());
        }
    }

    @Test
    void aFloodFarBeyondTheGrantIsAnsweredOrDisconnectedAndOthersAreServed() throws Exception {
        final ResponderSettings settings = ResponderSettings.defaults().withCredits(4)
                .withServiceTime(Duration.ofSeconds(1));
        try (HostileRig rig = new HostileRig(SEED, settings)) {
            final MisbehavingRequester honest = rig.connect("honest");
            final MisbehavingRequester hostile = rig.connect("hostile");
            final List<Integer> xids = hostile.ignoreCredits(100);
            rig.advance(settings.serviceTime());
            final ResponderStats st = rig.stats();
            assertTrue(st.callsOverCredit() > 0);
            if (st.connectionsDropped() == 0) {
                for (int xid : xids) {
                    assertNotNull(hostile.replyTo(xid), "every call answered while the connection stays");
                }
            } else {
                assertTrue(hostile.isDisconnected());
            }
            rig.assertServes(honest);
            assertTrue(rig.stats().peakConnectionBytes() <= settings.connectionMemoryBound());
        }
    }

    @Test
    void aDisconnectDuringTheReadReleasesTheConnectionAndItsBuffers() throws Exception {
        try (HostileRig rig = new HostileRig(SEED, ResponderSettings.defaults())) {
            final MisbehavingRequester honest = rig.connect("honest");
            final MisbehavingRequester hostile = rig.connect("hostile");
            final int xid = hostile.disconnectDuringRead(64 * 1024);
            rig.runUntilQuiet();
            assertFalse(hostile.remoteAccesses().isEmpty(), "the responder had started reading");
            assertTrue(hostile.isDisconnected());
            assertNull(hostile.replyTo(xid));
            rig.assertServes(honest);
            final ResponderStats st = rig.stats();
            assertEquals(1, st.connectionsReleased());
            assertEquals(1, st.activeConnections());
        }
    }
}
