package io.frwr.rpc.rdma;

import java.util.List;

/** RFC 8166 write_chunk: a counted array of segments the responder RDMA-writes into, in order. */
public record WriteChunk(List<RdmaSegment> segments) {
    public WriteChunk {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a write chunk needs at least one segment");
        }
    }

    public long totalLength() {
        long n = 0;
        for (RdmaSegment s : segments) {
            n += s.length();
        }
        return n;
    }
}
