package io.frwr.rpc.rdma;

/**
 * What a decoder accepts from a peer, so a hostile header cannot make it allocate or loop without bound.
 *
 * @param maxSegmentsPerChunk most segments in one write or reply chunk
 * @param maxChunks           most write chunks in the write list
 * @param maxSegmentLength    largest length of one segment, in bytes
 * @param maxReadSegments     most entries in the read list
 */
public record DecodeLimits(int maxSegmentsPerChunk, int maxChunks, int maxSegmentLength, int maxReadSegments) {
    /** Generous for NFS (1 MiB I/O over 4 KiB-page MRs still fits a few segments) yet small enough to be safe. */
    public static final DecodeLimits DEFAULT = new DecodeLimits(16, 8, 1 << 24, 16);

    public DecodeLimits {
        check("maxSegmentsPerChunk", maxSegmentsPerChunk, 1, 4096);
        check("maxChunks", maxChunks, 1, 4096);
        check("maxSegmentLength", maxSegmentLength, 1, Integer.MAX_VALUE);
        check("maxReadSegments", maxReadSegments, 1, 4096);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
