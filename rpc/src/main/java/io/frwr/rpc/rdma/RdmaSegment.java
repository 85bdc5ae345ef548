package io.frwr.rpc.rdma;

/** RFC 8166 rdma_segment: a registered remote range, named by handle (rkey), length and offset (iova). */
public record RdmaSegment(int handle, int length, long offset) {
    public RdmaSegment {
        if (length < 0) {
            throw new IllegalArgumentException("segment length must be 0..2^31-1, was " + length);
        }
    }
}
