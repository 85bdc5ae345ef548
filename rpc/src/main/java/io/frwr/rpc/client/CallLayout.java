package io.frwr.rpc.client;

import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
import io.frwr.actors.Handle;
import io.frwr.actors.Registration;
import io.frwr.rpc.oncrpc.OpaqueAuth;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.verbs.Segment;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How one transmission of a call travels (RFC 8166 section 3.5): wholly inline; inline with the DDP argument
 * in a read chunk at its XDR position; or RDMA_NOMSG with the whole call in a position-zero read chunk. A
 * result sink becomes a write chunk, and a reply chunk is offered when the largest reply cannot come inline.
 *
 * <p>Chunk handles are known only after registration, so the inline decision budgets every chunk at the
 * most segments a responder accepts ({@link DecodeLimits#DEFAULT}); the encoded header never exceeds that.
 */
record CallLayout(Mode mode, byte[] rpcMessage, int ddpPosition, boolean writeChunk, boolean replyChunk,
                  int fullMessageLength) {
    enum Mode { INLINE, READ_CHUNK, NOMSG }

    private static final int SEGMENT_BYTES = 16;
    private static final int MAX_SEGMENTS = DecodeLimits.DEFAULT.maxSegmentsPerChunk();
    /** xid, vers, credit, proc; the ends of the read and write lists; the reply chunk discriminator. */
    static final int BARE_HEADER_BYTES = RpcRdmaCodec.FIXED_HEADER_BYTES + 12;
    private static final int READ_CHUNK_BOUND = Math.min(MAX_SEGMENTS, DecodeLimits.DEFAULT.maxReadSegments())
            * (4 + 4 + SEGMENT_BYTES);
    private static final int WRITE_CHUNK_BOUND = 4 + 4 + MAX_SEGMENTS * SEGMENT_BYTES;
    private static final int REPLY_CHUNK_BOUND = 4 + MAX_SEGMENTS * SEGMENT_BYTES;

    /**
     * @param sendLimit the most bytes one SEND may carry (ours and the responder's receive size, whichever is less)
     * @param recvLimit the most bytes a reply may carry inline
     */
    static CallLayout plan(RpcCallSpec spec, int xid, int sendLimit, int recvLimit) {
        final byte[] message = rpcMessage(spec, xid);
        final boolean write = spec.resultSink() != null;
        final int replyHeader = BARE_HEADER_BYTES + (write ? WRITE_CHUNK_BOUND : 0);
        final boolean reply = (long) spec.maxReplySize() + replyHeader > recvLimit;
        final int chunkHeader = BARE_HEADER_BYTES + (write ? WRITE_CHUNK_BOUND : 0) + (reply ? REPLY_CHUNK_BOUND : 0);
        final int ddpPosition = spec.ddpArgument() == null ? -1 : message.length - spec.args().length
                + spec.ddpArgument().position();
        final int full = message.length + spec.fullArgsLength() - spec.args().length;
        final Mode mode;
        if ((long) chunkHeader + full <= sendLimit) {
            mode = Mode.INLINE;
        } else if (spec.ddpArgument() != null && (long) chunkHeader + READ_CHUNK_BOUND + message.length <= sendLimit) {
            mode = Mode.READ_CHUNK;
        } else {
            mode = Mode.NOMSG;
        }
        return new CallLayout(mode, message, ddpPosition, write, reply, full);
    }

    static byte[] rpcMessage(RpcCallSpec spec, int xid) {
        final XdrEncoder e = XdrEncoder.allocate(40 + 2 * OpaqueAuth.MAX_BODY + spec.args().length);
        new RpcCallHeader(xid, spec.program(), spec.version(), spec.procedure(), spec.credential(), OpaqueAuth.NONE)
                .encode(e);
        e.writeOpaqueFixed(spec.args());
        return e.toByteArray();
    }

    boolean needsRegistration() {
        return mode != Mode.INLINE || writeChunk || replyChunk;
    }

    /** Write the whole RPC call, the DDP content and its padding back in place, at {@code at} of {@code dst}. */
    void writeFullMessage(RpcCallSpec spec, ByteBuffer dst, int at) {
        if (ddpPosition < 0) {
            dst.put(at, rpcMessage);
            return;
        }
        final Segment data = spec.ddpArgument().data();
        final int n = data.length();
        final int pad = XdrEncoder.padding(n);
        dst.put(at, rpcMessage, 0, ddpPosition);
        dst.put(at + ddpPosition, data.buffer().buffer(), data.offset(), n);
        for (int i = 0; i < pad; i++) {
            dst.put(at + ddpPosition + n + i, (byte) 0);
        }
        dst.put(at + ddpPosition + n + pad, rpcMessage, ddpPosition, rpcMessage.length - ddpPosition);
    }

    /**
     * The chunks to register, in a fixed order: the read chunk (the DDP item, or the whole call for
     * RDMA_NOMSG), the write chunk, the reply chunk. {@code callChunk} and {@code replyBuffer} are the
     * requester's own mapped memory for RDMA_NOMSG and the reply chunk (null when not needed).
     */
    List<ChunkRequest> chunkRequests(RpcCallSpec spec, Segment callChunk, Segment replyBuffer) {
        final List<ChunkRequest> out = new ArrayList<>(3);
        if (mode == Mode.READ_CHUNK) {
            out.add(ChunkRequest.of(Direction.PEER_READS, spec.ddpArgument().data()));
        } else if (mode == Mode.NOMSG) {
            out.add(ChunkRequest.of(Direction.PEER_READS, callChunk));
        }
        if (writeChunk) {
            out.add(ChunkRequest.of(Direction.PEER_WRITES, spec.resultSink()));
        }
        if (replyChunk) {
            out.add(ChunkRequest.of(Direction.PEER_WRITES, replyBuffer));
        }
        return out;
    }

    /** The transport header this transmission sends, with the registration's handles as its chunks. */
    RpcRdmaHeader header(int xid, int credits, Registration reg) {
        int next = 0;
        final List<ReadSegment> reads = new ArrayList<>();
        if (mode != Mode.INLINE) {
            final int position = mode == Mode.NOMSG ? 0 : ddpPosition;
            for (Handle h : reg.chunk(next++)) {
                reads.add(new ReadSegment(position, segment(h)));
            }
        }
        final List<WriteChunk> writes = writeChunk ? List.of(chunk(reg.chunk(next++))) : List.of();
        final WriteChunk reply = replyChunk ? chunk(reg.chunk(next)) : null;
        return mode == Mode.NOMSG ? RpcRdmaHeader.noMsg(xid, credits, reads, writes, reply)
                : RpcRdmaHeader.msg(xid, credits, reads, writes, reply);
    }

    /** Encode the SEND (header, then the inline part of the call) at {@code at}; returns its length. */
    int encodeSend(RpcCallSpec spec, RpcRdmaHeader header, ByteBuffer dst, int at, int limit) {
        final int headerBytes = RpcRdmaCodec.encodedSize(header);
        final int body = mode == Mode.INLINE ? fullMessageLength : mode == Mode.READ_CHUNK ? rpcMessage.length : 0;
        if (headerBytes + body > limit) {
            throw new IllegalStateException("a " + (headerBytes + body) + "-byte SEND exceeds the inline limit of "
                    + limit + " bytes; the chunk budget was " + MAX_SEGMENTS + " segments per chunk");
        }
        final ByteBuffer out = dst.duplicate();
        out.clear().position(at);
        RpcRdmaCodec.encode(header, out);
        if (mode == Mode.INLINE) {
            writeFullMessage(spec, dst, at + headerBytes);
        } else if (mode == Mode.READ_CHUNK) {
            dst.put(at + headerBytes, rpcMessage);
        }
        return headerBytes + body;
    }

    /** Index of the write chunk and reply chunk in the registration, -1 if not offered. */
    int writeChunkIndex() {
        return writeChunk ? (mode == Mode.INLINE ? 0 : 1) : -1;
    }

    int replyChunkIndex() {
        return replyChunk ? (mode == Mode.INLINE ? 0 : 1) + (writeChunk ? 1 : 0) : -1;
    }

    private static RdmaSegment segment(Handle h) {
        return new RdmaSegment(h.rkey(), h.length(), h.offset());
    }

    private static WriteChunk chunk(List<Handle> handles) {
        final List<RdmaSegment> segs = new ArrayList<>(handles.size());
        for (Handle h : handles) {
            segs.add(segment(h));
        }
        return new WriteChunk(segs);
    }
}
