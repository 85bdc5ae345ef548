package io.frwr.rpc.rdma;

/**
 * What a decoder accepts from a peer, so a hostile header cannot make it allocate or loop without bound.
 * A responder derives its limits from its settings ({@code ResponderSettings.decodeLimits()}); the peer never
 * sets them.
 *
 * @param maxSegmentsPerChunk most segments in one write or reply chunk
 * @param maxChunks           most write chunks in the write list
 * @param maxSegmentLength    largest length of one segment, in bytes
 * @param maxReadSegments     most entries in the read list
 * @param maxReadBytes        most bytes the whole read list may advertise (what a responder would pull),
 *                            checked while decoding, as Linux svcrdma checks its read list
 */
public record DecodeLimits(int maxSegmentsPerChunk, int maxChunks, int maxSegmentLength, int maxReadSegments,
                           long maxReadBytes) {
    /** Generous for NFS (1 MiB I/O over 4 KiB-page MRs still fits a few segments) yet small enough to be safe. */
    public static final DecodeLimits DEFAULT = new DecodeLimits(16, 8, 1 << 24, 16);

    public DecodeLimits {
        check("maxSegmentsPerChunk", maxSegmentsPerChunk, 1, 4096);
        check("maxChunks", maxChunks, 1, 4096);
        check("maxSegmentLength", maxSegmentLength, 1, Integer.MAX_VALUE);
        check("maxReadSegments", maxReadSegments, 1, 4096);
        if (maxReadBytes < 0) {
            throw new IllegalArgumentException("maxReadBytes must be 0.." + Long.MAX_VALUE + ", was " + maxReadBytes);
        }
    }

    /** No bound on the read list's total beyond its segment count times the segment length. */
    public DecodeLimits(int maxSegmentsPerChunk, int maxChunks, int maxSegmentLength, int maxReadSegments) {
        this(maxSegmentsPerChunk, maxChunks, maxSegmentLength, maxReadSegments,
                (long) maxReadSegments * maxSegmentLength);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
