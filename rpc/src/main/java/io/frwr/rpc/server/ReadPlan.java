package io.frwr.rpc.server;

import io.frwr.rpc.rdma.ReadSegment;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where each read segment lands in one local buffer: chunks in position order, each chunk's segments in
 * read-list order, so every chunk is one contiguous range that {@link #reassemble} inserts at its position.
 */
public final class ReadPlan {
    /** One RDMA READ: the segment and where its bytes go in the local buffer. */
    public record Pull(ReadSegment segment, int bufferOffset) {
    }

    /** One read chunk: its XDR position in the reassembled stream and its range in the local buffer. */
    public record Chunk(int position, int bufferOffset, int length) {
    }

    private final List<Pull> pulls;
    private final List<Chunk> chunks;
    private final int totalLength;

    private ReadPlan(List<Pull> pulls, List<Chunk> chunks, int totalLength) {
        this.pulls = pulls;
        this.chunks = chunks;
        this.totalLength = totalLength;
    }

    public static ReadPlan of(List<ReadSegment> readList) {
        final List<ReadSegment> sorted = new ArrayList<>(readList);
        sorted.sort(Comparator.comparingInt(ReadSegment::position)); // stable: list order within a chunk
        final List<Pull> pulls = new ArrayList<>();
        final List<Chunk> chunks = new ArrayList<>();
        long offset = 0;
        int i = 0;
        while (i < sorted.size()) {
            final int position = sorted.get(i).position();
            final long start = offset;
            while (i < sorted.size() && sorted.get(i).position() == position) {
                pulls.add(new Pull(sorted.get(i), (int) offset));
                offset += sorted.get(i).segment().length();
                i++;
            }
            chunks.add(new Chunk(position, (int) start, (int) (offset - start)));
            if (offset > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("read chunks total more than 2 GiB");
            }
        }
        return new ReadPlan(List.copyOf(pulls), List.copyOf(chunks), (int) offset);
    }

    public List<Pull> pulls() {
        return pulls;
    }

    public List<Chunk> chunks() {
        return chunks;
    }

    public int totalLength() {
        return totalLength;
    }

    public boolean hasPositionZeroChunk() {
        return !chunks.isEmpty() && chunks.get(0).position() == 0;
    }

    /**
     * The XDR stream the requester meant: the inline bytes with each chunk's content (and its XDR
     * padding, which RFC 8166 lets a requester leave out of the chunk) put back at its position.
     */
    public byte[] reassemble(byte[] inline, byte[] pulled) {
        return reassemble(inline, ByteBuffer.wrap(pulled));
    }

    /** As {@link #reassemble(byte[], byte[])}, straight from the buffer the READs landed in: one copy, not two. */
    public byte[] reassemble(byte[] inline, ByteBuffer pulled) {
        int size = inline.length;
        for (Chunk c : chunks) {
            size += c.length() + pad(c.length());
        }
        final byte[] out = new byte[size];
        int in = 0;
        int at = 0;
        for (Chunk c : chunks) {
            final int inlineBefore = c.position() - at + in;
            final int copy = Math.max(0, Math.min(inlineBefore, inline.length) - in);
            System.arraycopy(inline, in, out, at, copy);
            in += copy;
            at += copy;
            pulled.get(c.bufferOffset(), out, at, c.length());
            at += c.length() + pad(c.length());
        }
        System.arraycopy(inline, in, out, at, inline.length - in);
        return out;
    }

    private static int pad(int n) {
        return (4 - (n & 3)) & 3;
    }
}
