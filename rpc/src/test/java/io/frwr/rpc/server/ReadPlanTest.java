package io.frwr.rpc.server;

import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadPlanTest {
    @Test
    void chunkIsInsertedAtItsPositionWithXdrPadding() {
        final ReadPlan plan = ReadPlan.of(List.of(new ReadSegment(4, new RdmaSegment(1, 3, 0)),
                new ReadSegment(4, new RdmaSegment(2, 2, 0))));
        assertEquals(5, plan.totalLength());
        assertEquals(1, plan.chunks().size());
        assertEquals(3, plan.pulls().get(1).bufferOffset(), "segments of a chunk land back to back");
        final byte[] out = plan.reassemble(new byte[] {1, 1, 1, 1, 2, 2, 2, 2}, new byte[] {9, 8, 7, 6, 5});
        assertArrayEquals(new byte[] {1, 1, 1, 1, 9, 8, 7, 6, 5, 0, 0, 0, 2, 2, 2, 2}, out);
    }

    @Test
    void positionZeroChunkIsTheWholeMessage() {
        final ReadPlan plan = ReadPlan.of(List.of(new ReadSegment(0, new RdmaSegment(1, 8, 0))));
        assertTrue(plan.hasPositionZeroChunk());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
                plan.reassemble(new byte[0], new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    }

    @Test
    void replyMessageOmitsDdpContentButKeepsLengthWord() throws Exception {
        final byte[] results = {0, 0, 0, 3};
        final RpcReply r = RpcReply.successWithData(results, new byte[] {7, 7, 7});
        final byte[] reduced = ReplyMessage.build(5, r, true);
        final byte[] inline = ReplyMessage.build(5, r, false);
        assertEquals(24 + 4, reduced.length);
        assertEquals(24 + 4 + 4, inline.length);
        final XdrDecoder d = XdrDecoder.of(inline);
        assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(d).status());
        assertArrayEquals(new byte[] {7, 7, 7}, d.readOpaque(16, "data"));
    }
}
