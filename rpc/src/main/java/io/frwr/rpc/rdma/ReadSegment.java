package io.frwr.rpc.rdma;

/** RFC 8166 read_segment: segments with the same XDR position form one read chunk. */
public record ReadSegment(int position, RdmaSegment segment) {
    public ReadSegment {
        if (position < 0 || (position & 3) != 0) {
            throw new IllegalArgumentException("read segment position must be a non-negative multiple of 4, was "
                    + position);
        }
    }
}
