package io.frwr.rpc.client;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The requester's side of a hostile responder: whatever reply arrives, the checks that decide whether a call
 * succeeds never throw, and a reply they accept never claims more than the call offered, which is what the
 * client relies on before it hands registered memory back to its caller.
 */
class ReplyCheckFuzzTest {
    private static final int XID = 0x2a;
    /** The call this reply answers: a 64 KiB write chunk in two segments and a 4 KiB reply chunk. */
    private static final RpcRdmaHeader SENT = RpcRdmaHeader.msg(XID, 32, List.of(), List.of(new WriteChunk(List.of(
            new RdmaSegment(0x101, 32768, 0x10000), new RdmaSegment(0x101, 32768, 0x18000)))),
            new WriteChunk(List.of(new RdmaSegment(0x202, 4096, 0x40000))));

    @FuzzTest(maxDuration = "10m")
    void replyFromAHostileResponder(byte[] data) {
        final ByteBuffer in = ByteBuffer.wrap(data);
        final RpcRdmaHeader reply;
        try {
            reply = RpcRdmaCodec.decode(in, DecodeLimits.DEFAULT);
        } catch (RpcRdmaDecodeException e) {
            return;
        }
        final ReplyCheck check = ReplyCheck.transport(reply, SENT);
        if (check.error() == null) {
            if (check.ddpBytes() > SENT.writeList().get(0).totalLength()) {
                throw new AssertionError("accepted " + check.ddpBytes() + " DDP bytes, offered "
                        + SENT.writeList().get(0).totalLength());
            }
            if (check.replyChunkBytes() > SENT.replyChunk().totalLength()) {
                throw new AssertionError("accepted a " + check.replyChunkBytes() + "-byte reply chunk");
            }
        }
        ReplyCheck.results(XID, in.slice());
    }
}
