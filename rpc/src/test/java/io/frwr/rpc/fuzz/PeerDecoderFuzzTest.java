package io.frwr.rpc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.frwr.rpc.nfs.GetattrArgs;
import io.frwr.rpc.nfs.GetattrRes;
import io.frwr.rpc.nfs.ReadArgs;
import io.frwr.rpc.nfs.ReadRes;
import io.frwr.rpc.nfs.WriteArgs;
import io.frwr.rpc.nfs.WriteRes;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.CmPrivateMessage;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaProc;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.rpc.server.ReadPlan;
import io.frwr.rpc.server.ResponderSettings;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of every decoder a peer's bytes reach. Each target lets through only the
 * decoder's documented exception; anything else (an IllegalArgumentException from a record, an index out of
 * bounds, an OutOfMemoryError) is a finding. Where a decode succeeds, the target also checks what the rest
 * of the code relies on: the limits held, and encoding gives the same value back.
 *
 * <p>Without JAZZER_FUZZ these run as regression tests over the inputs kept in
 * {@code src/test/resources/io/frwr/rpc/fuzz/PeerDecoderFuzzTestInputs/<target>/}; bench/fuzz.sh fuzzes them.
 */
class PeerDecoderFuzzTest {
    private static final ResponderSettings RESPONDER = ResponderSettings.defaults();
    private static final DecodeLimits LIMITS = RESPONDER.decodeLimits();

    /** RFC 8166 headers, RDMA_ERROR included, as the responder decodes them; then the read plan it builds. */
    @FuzzTest(maxDuration = "10m")
    void rpcRdmaHeader(byte[] data) {
        final ByteBuffer in = ByteBuffer.wrap(data);
        final RpcRdmaHeader h;
        try {
            h = RpcRdmaCodec.decode(in, LIMITS);
        } catch (RpcRdmaDecodeException e) {
            return;
        }
        check(h.readList().size() <= LIMITS.maxReadSegments(), "read list of " + h.readList().size());
        check(h.writeList().size() <= LIMITS.maxChunks(), "write list of " + h.writeList().size());
        long readBytes = 0;
        for (ReadSegment r : h.readList()) {
            readBytes += r.segment().length();
        }
        check(readBytes <= RESPONDER.maxCallPayload(), "read list advertises " + readBytes + " bytes");
        for (WriteChunk w : h.writeList()) {
            check(w.segments().size() <= LIMITS.maxSegmentsPerChunk(), "write chunk of " + w.segments().size());
        }
        // Re-encoding gives the same header and the same bytes: nothing was invented or dropped.
        final byte[] again = RpcRdmaCodec.encode(h);
        check(Arrays.equals(again, Arrays.copyOf(data, again.length)), "re-encoded header differs");
        if (h.proc() != RdmaProc.RDMA_ERROR) {
            // The responder's next step: the plan and the reassembly must fit what was advertised.
            final ReadPlan plan = ReadPlan.of(h.readList());
            check(plan.totalLength() == readBytes, "plan of " + plan.totalLength() + " for " + readBytes);
            final byte[] inline = new byte[in.remaining()];
            in.get(inline);
            final byte[] stream = plan.reassemble(inline, ByteBuffer.allocate(plan.totalLength()));
            check(stream.length <= inline.length + readBytes + 3L * plan.chunks().size(), "stream of "
                    + stream.length);
        }
    }

    /** RFC 8797 private data from a CM request or reply: never throws; what decodes encodes back. */
    @FuzzTest(maxDuration = "10m")
    void cmPrivateData(byte[] data) {
        final Optional<CmPrivateMessage> m = CmPrivateMessage.decode(data);
        if (m.isPresent()) {
            // Reserved flag bits are ignored on decode, so the bytes may differ; the meaning may not.
            check(CmPrivateMessage.decode(m.get().encode()).equals(m), "private data changes on a round trip");
        }
    }

    /** ONC RPC call headers as the responder decodes them. */
    @FuzzTest(maxDuration = "10m")
    void oncRpcCallHeader(byte[] data) {
        try {
            final RpcCallHeader h = RpcCallHeader.decode(XdrDecoder.of(data));
            // Padding bytes need not be zero on the wire, so compare the canonical encodings.
            final byte[] canonical = h.encode();
            check(Arrays.equals(RpcCallHeader.decode(XdrDecoder.of(canonical)).encode(), canonical),
                    "call header changes on a round trip");
        } catch (XdrException e) {
            // documented: RpcVersionMismatch is one
        }
    }

    /** ONC RPC reply headers as the requester decodes them. */
    @FuzzTest(maxDuration = "10m")
    void oncRpcReplyHeader(byte[] data) {
        try {
            RpcReplyHeader.decode(XdrDecoder.of(data));
        } catch (XdrException e) {
            // documented
        }
    }

    /** NFSv3 GETATTR, READ and WRITE arguments as the server decodes them; the first byte picks which. */
    @FuzzTest(maxDuration = "10m")
    void nfsArguments(byte[] data) {
        if (data.length == 0) {
            return;
        }
        final XdrDecoder d = XdrDecoder.of(Arrays.copyOfRange(data, 1, data.length));
        try {
            switch (data[0] & 3) {
                case 0 -> GetattrArgs.decode(d);
                case 1 -> ReadArgs.decode(d);
                default -> {
                    final WriteArgs w = WriteArgs.decode(d);
                    check(w.data().length <= data.length, "WRITE data of " + w.data().length + " from "
                            + data.length + " bytes");
                }
            }
        } catch (XdrException e) {
            // documented
        }
    }

    /** NFSv3 GETATTR, READ and WRITE results as the client decodes them; the first byte picks which. */
    @FuzzTest(maxDuration = "10m")
    void nfsResults(byte[] data) {
        if (data.length == 0) {
            return;
        }
        final byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        try {
            switch (data[0] & 3) {
                case 0 -> GetattrRes.decode(XdrDecoder.of(rest));
                case 1 -> ReadRes.decode(XdrDecoder.of(rest));
                case 2 -> ReadRes.decode(XdrDecoder.of(rest), new byte[data[0] >>> 2 & 0x3F]);
                default -> WriteRes.decode(XdrDecoder.of(rest));
            }
        } catch (XdrException e) {
            // documented
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
