package io.frwr.rpc.rdma;

import io.frwr.rpc.rdma.RpcRdmaDecodeException.Reason;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * RFC 8166 section 4.3 header encoding. Decoding treats the peer as hostile: every count is checked against
 * {@link DecodeLimits} and against the bytes left before anything is allocated for it.
 */
public final class RpcRdmaCodec {
    /** xid, vers, credit, proc. */
    public static final int FIXED_HEADER_BYTES = 16;
    private static final int SEGMENT_BYTES = 16;
    private static final int READ_SEGMENT_BYTES = 4 + SEGMENT_BYTES;

    private RpcRdmaCodec() {
    }

    public static void encode(RpcRdmaHeader header, ByteBuffer out) {
        final XdrEncoder e = new XdrEncoder(out);
        e.writeInt(header.xid()).writeInt(header.vers()).writeInt(header.credits()).writeInt(header.proc().wire());
        if (header.proc() == RdmaProc.RDMA_ERROR) {
            e.writeInt(header.error().code());
            if (header.error() instanceof RdmaErrorBody.ErrVers v) {
                e.writeInt(v.low()).writeInt(v.high());
            }
            return;
        }
        for (ReadSegment r : header.readList()) {
            e.writeBoolean(true).writeInt(r.position());
            writeSegment(e, r.segment());
        }
        e.writeBoolean(false);
        for (WriteChunk w : header.writeList()) {
            e.writeBoolean(true);
            writeChunk(e, w);
        }
        e.writeBoolean(false);
        e.writeBoolean(header.replyChunk() != null);
        if (header.replyChunk() != null) {
            writeChunk(e, header.replyChunk());
        }
    }

    public static byte[] encode(RpcRdmaHeader header) {
        final ByteBuffer out = ByteBuffer.allocate(encodedSize(header));
        encode(header, out);
        return out.array();
    }

    public static int encodedSize(RpcRdmaHeader header) {
        if (header.proc() == RdmaProc.RDMA_ERROR) {
            return FIXED_HEADER_BYTES + 4 + (header.error() instanceof RdmaErrorBody.ErrVers ? 8 : 0);
        }
        int n = FIXED_HEADER_BYTES + header.readList().size() * (4 + READ_SEGMENT_BYTES) + 4;
        for (WriteChunk w : header.writeList()) {
            n += 4 + 4 + w.segments().size() * SEGMENT_BYTES;
        }
        n += 4 + 4;
        if (header.replyChunk() != null) {
            n += 4 + header.replyChunk().segments().size() * SEGMENT_BYTES;
        }
        return n;
    }

    /** Decode the header; on success {@code in} is left at the first byte of the RPC message. */
    public static RpcRdmaHeader decode(ByteBuffer in, DecodeLimits limits) throws RpcRdmaDecodeException {
        return new Parse(new XdrDecoder(in), limits).header();
    }

    private static void writeSegment(XdrEncoder e, RdmaSegment s) {
        e.writeInt(s.handle()).writeInt(s.length()).writeHyper(s.offset());
    }

    private static void writeChunk(XdrEncoder e, WriteChunk w) {
        e.writeInt(w.segments().size());
        for (RdmaSegment s : w.segments()) {
            writeSegment(e, s);
        }
    }

    /** One decode: carries the xid once known, so every error can name it. */
    private static final class Parse {
        private final XdrDecoder d;
        private final DecodeLimits limits;
        private boolean xidKnown;
        private int xid;

        Parse(XdrDecoder d, DecodeLimits limits) {
            this.d = d;
            this.limits = limits;
        }

        RpcRdmaHeader header() throws RpcRdmaDecodeException {
            xid = readInt("rdma_xid");
            xidKnown = true;
            final int vers = readInt("rdma_vers");
            if (vers != RpcRdmaHeader.VERSION) {
                throw fail(Reason.BAD_VERSION, "rdma_vers is " + Integer.toUnsignedString(vers) + ", only "
                        + RpcRdmaHeader.VERSION + " is spoken");
            }
            final int credits = readInt("rdma_credit");
            final int procAt = d.offset();
            final int procWire = readInt("rdma_proc");
            final RdmaProc proc = switch (procWire) {
                case 0 -> RdmaProc.RDMA_MSG;
                case 1 -> RdmaProc.RDMA_NOMSG;
                case 4 -> RdmaProc.RDMA_ERROR;
                case 2 -> throw fail(Reason.BAD_PROC, "rdma_proc at offset " + procAt + " is RDMA_MSGP (2), unsupported");
                case 3 -> throw fail(Reason.BAD_PROC, "rdma_proc at offset " + procAt + " is RDMA_DONE (3), unsupported");
                default -> throw fail(Reason.BAD_PROC, "rdma_proc at offset " + procAt + " is "
                        + Integer.toUnsignedString(procWire)
                        + ", allowed 0 (RDMA_MSG), 1 (RDMA_NOMSG), 4 (RDMA_ERROR)");
            };
            if (proc == RdmaProc.RDMA_ERROR) {
                return RpcRdmaHeader.error(xid, credits, errorBody());
            }
            final List<ReadSegment> reads = readList();
            final List<WriteChunk> writes = writeList();
            final WriteChunk reply = discriminator("reply chunk present") ? chunk("reply chunk") : null;
            checkPositions(reads);
            return new RpcRdmaHeader(xid, vers, credits, proc, reads, writes, reply, null);
        }

        private RdmaErrorBody errorBody() throws RpcRdmaDecodeException {
            final int at = d.offset();
            final int code = readInt("rdma_err");
            if (code == RdmaErrorBody.ERR_VERS) {
                return new RdmaErrorBody.ErrVers(readInt("rdma_vers_low"), readInt("rdma_vers_high"));
            }
            if (code == RdmaErrorBody.ERR_CHUNK) {
                return new RdmaErrorBody.ErrChunk();
            }
            throw fail(Reason.BAD_DISCRIMINATOR, "rdma_err at offset " + at + " is " + Integer.toUnsignedString(code)
                    + ", allowed 1 (ERR_VERS) or 2 (ERR_CHUNK)");
        }

        private List<ReadSegment> readList() throws RpcRdmaDecodeException {
            final List<ReadSegment> out = new ArrayList<>();
            long total = 0;
            while (discriminator("read list entry")) {
                if (out.size() == limits.maxReadSegments()) {
                    throw fail(Reason.TOO_MANY_SEGMENTS, "read list has more than " + limits.maxReadSegments()
                            + " segments");
                }
                final int at = d.offset();
                final int position = readInt("read segment position");
                if (position < 0 || (position & 3) != 0) {
                    throw fail(Reason.BAD_POSITION, "read segment position at offset " + at + " is "
                            + Integer.toUnsignedString(position) + ", must be a multiple of 4 in 0..2^31-1");
                }
                final ReadSegment r = new ReadSegment(position, segment("read segment " + out.size()));
                total += r.segment().length();
                // Checked per entry, before the next is read: the whole call never has to be believed first.
                if (total > limits.maxReadBytes()) {
                    throw fail(Reason.READ_LIST_TOO_LONG, "read list advertises " + total + " bytes by segment "
                            + out.size() + ", a call may carry at most " + limits.maxReadBytes());
                }
                out.add(r);
            }
            return out;
        }

        private List<WriteChunk> writeList() throws RpcRdmaDecodeException {
            final List<WriteChunk> out = new ArrayList<>();
            while (discriminator("write list entry")) {
                if (out.size() == limits.maxChunks()) {
                    throw fail(Reason.TOO_MANY_CHUNKS, "write list has more than " + limits.maxChunks() + " chunks");
                }
                out.add(chunk("write chunk " + out.size()));
            }
            return out;
        }

        private WriteChunk chunk(String what) throws RpcRdmaDecodeException {
            final int at = d.offset();
            final long count = Integer.toUnsignedLong(readInt(what + " segment count"));
            if (count == 0) {
                throw fail(Reason.EMPTY_CHUNK, what + " at offset " + at + " has 0 segments, needs 1.."
                        + limits.maxSegmentsPerChunk());
            }
            if (count > limits.maxSegmentsPerChunk()) {
                throw fail(Reason.TOO_MANY_SEGMENTS, what + " at offset " + at + " has " + count
                        + " segments, allowed 1.." + limits.maxSegmentsPerChunk());
            }
            if (d.remaining() < count * SEGMENT_BYTES) {
                throw fail(Reason.TRUNCATED, what + " at offset " + at + " claims " + count + " segments ("
                        + count * SEGMENT_BYTES + " bytes), only " + d.remaining() + " bytes left");
            }
            final List<RdmaSegment> segments = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                segments.add(segment(what + " segment " + i));
            }
            return new WriteChunk(segments);
        }

        private RdmaSegment segment(String what) throws RpcRdmaDecodeException {
            final int handle = readInt(what + " handle");
            final int at = d.offset();
            final long length = Integer.toUnsignedLong(readInt(what + " length"));
            if (length > limits.maxSegmentLength()) {
                throw fail(Reason.SEGMENT_TOO_LONG, what + " length at offset " + at + " is " + length
                        + ", allowed 0.." + limits.maxSegmentLength());
            }
            final long offset = readHyper(what + " offset");
            return new RdmaSegment(handle, (int) length, offset);
        }

        /** Positions count in the reassembled XDR stream, so each must land inside the inline part left so far. */
        private void checkPositions(List<ReadSegment> reads) throws RpcRdmaDecodeException {
            final TreeMap<Integer, Long> chunkLengths = new TreeMap<>();
            for (ReadSegment r : reads) {
                chunkLengths.merge(r.position(), (long) r.segment().length(), Long::sum);
            }
            final long inline = d.remaining();
            long inserted = 0;
            long nextAllowed = 0;
            for (var e : chunkLengths.entrySet()) {
                final long position = e.getKey();
                if (position < nextAllowed || position - inserted > inline) {
                    throw fail(Reason.BAD_POSITION, "read chunk position " + position + " is beyond the message: "
                            + "allowed " + nextAllowed + ".." + (inline + inserted) + " (" + inline
                            + " inline bytes)");
                }
                final long padded = (e.getValue() + 3) & ~3L;
                inserted += padded;
                nextAllowed = position + padded;
            }
        }

        private boolean discriminator(String what) throws RpcRdmaDecodeException {
            final int at = d.offset();
            final int v = readInt(what);
            if (v == 0 || v == 1) {
                return v == 1;
            }
            throw fail(Reason.BAD_DISCRIMINATOR, what + " at offset " + at + " is " + Integer.toUnsignedString(v)
                    + ", an optional-data discriminator must be 0 or 1");
        }

        private int readInt(String what) throws RpcRdmaDecodeException {
            try {
                return d.readInt(what);
            } catch (XdrException e) {
                throw fail(Reason.TRUNCATED, e.getMessage());
            }
        }

        private long readHyper(String what) throws RpcRdmaDecodeException {
            try {
                return d.readHyper(what);
            } catch (XdrException e) {
                throw fail(Reason.TRUNCATED, e.getMessage());
            }
        }

        private RpcRdmaDecodeException fail(Reason reason, String message) {
            return new RpcRdmaDecodeException(reason, xidKnown, xid, (xidKnown ? "xid 0x" + Integer.toHexString(xid)
                    + ": " : "") + message);
        }
    }
}
