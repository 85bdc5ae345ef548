package io.frwr.rpc.client;

import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.RdmaErrorBody;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyCheckTest {
    private static final WriteChunk OFFERED = new WriteChunk(List.of(new RdmaSegment(0x100, 4096, 0x1000)));
    private static final RpcRdmaHeader SENT = RpcRdmaHeader.msg(5, 32, List.of(), List.of(OFFERED), null);

    @Test
    void shortenedEchoGivesTheBytesWritten() {
        final WriteChunk echo = new WriteChunk(List.of(new RdmaSegment(0x100, 1000, 0x1000)));
        final ReplyCheck c = ReplyCheck.transport(RpcRdmaHeader.msg(5, 4, List.of(), List.of(echo), null), SENT);
        assertNull(c.error());
        assertEquals(1000, c.ddpBytes());
    }

    @Test
    void echoLongerThanOfferedIsABadReply() {
        final WriteChunk echo = new WriteChunk(List.of(new RdmaSegment(0x100, 4097, 0x1000)));
        final ReplyCheck c = ReplyCheck.transport(RpcRdmaHeader.msg(5, 4, List.of(), List.of(echo), null), SENT);
        assertEquals(CallError.Kind.BAD_REPLY, c.error().kind());
        final ReplyCheck two = ReplyCheck.transport(RpcRdmaHeader.msg(5, 4, List.of(), List.of(OFFERED, OFFERED),
                null), SENT);
        assertEquals(CallError.Kind.BAD_REPLY, two.error().kind());
        assertTrue(two.error().message().contains("2 chunks"), two.error().message());
    }

    @Test
    void unknownChunksAreBadReplies() {
        final WriteChunk other = new WriteChunk(List.of(new RdmaSegment(0x999, 10, 0)));
        assertEquals(CallError.Kind.BAD_REPLY, ReplyCheck.transport(
                RpcRdmaHeader.msg(5, 4, List.of(), List.of(other), null), SENT).error().kind());
        assertEquals(CallError.Kind.BAD_REPLY, ReplyCheck.transport(
                RpcRdmaHeader.noMsg(5, 4, List.of(), List.of(), other), SENT).error().kind());
        assertEquals(CallError.Kind.BAD_REPLY, ReplyCheck.transport(RpcRdmaHeader.msg(5, 4,
                List.of(new ReadSegment(0, new RdmaSegment(1, 1, 0))), List.of(), null), SENT).error().kind());
    }

    @Test
    void rdmaErrorIsARemoteError() {
        final ReplyCheck vers = ReplyCheck.transport(RpcRdmaHeader.error(5, 1, new RdmaErrorBody.ErrVers(1, 1)), SENT);
        assertEquals(CallError.Kind.REMOTE_ERROR, vers.error().kind());
        assertTrue(vers.error().message().contains("ERR_VERS"));
    }

    @Test
    void deniedOrUnsuccessfulRpcIsRejected() {
        final ByteBuffer reply = ByteBuffer.wrap(RpcReplyHeader.accepted(5, ReplyStatus.GARBAGE_ARGS).encode());
        assertEquals(CallError.Kind.RPC_REJECTED, ReplyCheck.results(5, reply).error().kind());
        final ByteBuffer ok = ByteBuffer.wrap(RpcReplyHeader.accepted(6, ReplyStatus.SUCCESS).encode());
        assertEquals(CallError.Kind.BAD_REPLY, ReplyCheck.results(5, ok).error().kind(), "xid mismatch");
    }
}
