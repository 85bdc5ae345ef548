package io.frwr.capture;

/**
 * RDMA Extended Transport Header: where a WRITE lands or a READ is taken from, carried on the first (or only)
 * packet of an RDMA WRITE and on every RDMA READ request.
 *
 * @param virtualAddress remote virtual address (64 bits)
 * @param rkey           remote key of the MR
 * @param dmaLength      total bytes of the whole WRITE or READ, not of this packet
 */
public record Reth(long virtualAddress, int rkey, int dmaLength) {
    public static final int LENGTH = 16;
}
