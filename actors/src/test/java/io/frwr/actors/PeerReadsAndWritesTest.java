package io.frwr.actors;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Direction#PEER_READS_AND_WRITES}: one handle the peer may both read and write, until Invalidate. */
class PeerReadsAndWritesTest {

    /** The peer RDMA-READs {@code length} bytes under {@code h}; the completion, and the bytes if it succeeded. */
    static WorkCompletion serverRead(TransportFixture f, QueuePair sqp, Handle h, byte[] into) throws Exception {
        final Segment dst = f.server.mapBuffer(ByteBuffer.allocateDirect(into.length)).segment(0, into.length);
        sqp.postSend(new SendWr.RdmaRead(78, true, List.of(dst), h.offset(), h.rkey()));
        final List<WorkCompletion> wcs = new ArrayList<>();
        final TestProbe<Object> guard = f.kit.createTestProbe();
        final WorkCompletion wc = guard.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(2), () -> {
            f.stepAll();
            sqp.sendCq().poll(wcs, 16);
            for (WorkCompletion c : wcs) {
                if (c.wrId() == 78) {
                    return c;
                }
            }
            throw new AssertionError("no completion for the server's READ yet");
        });
        if (wc.status() == WcStatus.SUCCESS) {
            dst.buffer().buffer().duplicate().get(into);
        }
        return wc;
    }

    @Test
    void thePeerCanReadAndWriteOneHandleAndNeitherAfterInvalidate() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, SimCosts.NONE, "")) {
            f.awaitUp();
            final Segment seg = f.segment(4096);
            final byte[] mine = new byte[4096];
            for (int i = 0; i < mine.length; i++) {
                mine[i] = (byte) (i * 7);
            }
            seg.buffer().buffer().duplicate().put(mine);
            final Registration reg = f.register(Direction.PEER_READS_AND_WRITES, seg).registration();
            final Handle h = reg.chunk(0).get(0);
            final QueuePair sqp = f.serverQps.get(0);

            final byte[] read = new byte[4096];
            assertEquals(WcStatus.SUCCESS, serverRead(f, sqp, h, read).status());
            assertArrayEquals(mine, read);
            final byte[] theirs = new byte[4096];
            java.util.Arrays.fill(theirs, (byte) 0x5A);
            assertEquals(WcStatus.SUCCESS, TransportActorsTest.serverWrite(f, sqp, h, theirs).status());
            final byte[] landed = new byte[4096];
            seg.buffer().buffer().duplicate().get(landed);
            assertArrayEquals(theirs, landed);

            assertTrue(f.await(f.invalidate(reg), RdmaTransport.Invalidated.class).fenced());

            // After Invalidate a READ under the old handle is refused (and, as on hardware, breaks that QP) ...
            assertEquals(WcStatus.REM_ACCESS_ERR, serverRead(f, sqp, h, new byte[4096]).status());
            // ... and so is a WRITE, on the connection the transport made next; the memory keeps the peer's bytes.
            f.await(f.inbound, RdmaTransport.ConnectionDown.class);
            f.awaitUp();
            final QueuePair next = f.serverQps.get(f.serverQps.size() - 1);
            assertEquals(WcStatus.REM_ACCESS_ERR, TransportActorsTest.serverWrite(f, next, h, new byte[4096]).status());
            seg.buffer().buffer().duplicate().get(landed);
            assertArrayEquals(theirs, landed);
        }
    }
}
