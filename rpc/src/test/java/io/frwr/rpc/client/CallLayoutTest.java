package io.frwr.rpc.client;

import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.StableHow;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Segment;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallLayoutTest {
    private static final FileHandle FH = new FileHandle("handle-1".getBytes());

    private static Segment segment(byte[] content) {
        final ByteBuffer b = ByteBuffer.allocateDirect(content.length);
        b.put(0, content);
        return new DmaBuffer(b, 0x10000, "test").segment(0, content.length);
    }

    @Test
    void smallCallIsInlineAndNeedsNoRegistration() {
        final CallLayout l = CallLayout.plan(NfsClient.getattr(FH), 7, 4096, 4096);
        assertEquals(CallLayout.Mode.INLINE, l.mode());
        assertFalse(l.needsRegistration());
    }

    @Test
    void smallWriteIsInlineWithItsDataInPlace() throws Exception {
        final byte[] data = {1, 2, 3, 4, 5};
        final RpcCallSpec spec = NfsClient.write(FH, 0, StableHow.UNSTABLE, segment(data));
        final CallLayout l = CallLayout.plan(spec, 9, 4096, 4096);
        assertEquals(CallLayout.Mode.INLINE, l.mode());
        final ByteBuffer out = ByteBuffer.allocate(l.fullMessageLength());
        l.writeFullMessage(spec, out, 0);
        final XdrDecoder d = new XdrDecoder(out);
        assertEquals(9, RpcCallHeader.decode(d).xid());
        final io.frwr.rpc.nfs.WriteArgs args = io.frwr.rpc.nfs.WriteArgs.decode(d);
        assertArrayEquals(data, args.data());
        assertEquals(0, d.remaining(), "the data's XDR padding is part of the message");
    }

    @Test
    void largeWriteMovesItsDataToAReadChunkAtItsPosition() {
        final RpcCallSpec spec = NfsClient.write(FH, 0, StableHow.UNSTABLE, segment(new byte[8192]));
        final CallLayout l = CallLayout.plan(spec, 1, 4096, 4096);
        assertEquals(CallLayout.Mode.READ_CHUNK, l.mode());
        assertEquals(l.rpcMessage().length, l.ddpPosition(), "WRITE data is the last item of the call");
        assertEquals(1, l.chunkRequests(spec, null, null).size());
    }

    @Test
    void largeCallWithoutDdpItemGoesAsNoMsg() {
        final RpcCallSpec spec = RpcCallSpec.of(100003, 3, 7, new byte[2048], 256);
        assertEquals(CallLayout.Mode.NOMSG, CallLayout.plan(spec, 1, 1024, 1024).mode());
    }

    @Test
    void replyChunkOfferedOnlyWhenTheReplyMayExceedTheInlineLimit() {
        assertTrue(CallLayout.plan(NfsClient.readInline(FH, 0, 8192), 1, 4096, 4096).replyChunk());
        assertFalse(CallLayout.plan(NfsClient.readInline(FH, 0, 1024), 1, 4096, 4096).replyChunk());
        final CallLayout sink = CallLayout.plan(NfsClient.read(FH, 0, segment(new byte[65536])), 1, 4096, 4096);
        assertTrue(sink.writeChunk());
        assertFalse(sink.replyChunk(), "the READ data goes to the write chunk, the rest fits inline");
        assertEquals(0, sink.writeChunkIndex());
    }

    @Test
    void specRejectsBadInputNamingTheRange() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RpcCallSpec.of(1, 1, 1, new byte[3], 64));
        assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());
        final IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> RpcCallSpec.of(1, 1, 1, new byte[0], 10));
        assertTrue(r.getMessage().contains("24.."), r.getMessage());
        final IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> ClientSettings.defaults().withInlineThreshold(1500));
        assertTrue(s.getMessage().contains("multiple of 1024"), s.getMessage());
    }
}
