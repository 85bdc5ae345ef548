package io.frwr.verbs;

/**
 * A contiguous piece of a mapped buffer: a local scatter/gather element, or a piece of a chunk to be
 * registered for remote access (the kernel's rpcrdma_mr_seg).
 */
public record Segment(DmaBuffer buffer, int offset, int length) {
    /** Checks that the slice lies within its buffer, so a bad SGE fails here and not as LOC_PROT_ERR. */
    public Segment {
        if (buffer == null) {
            throw new IllegalArgumentException("segment has no buffer");
        }
        if (offset < 0 || length < 0 || (long) offset + length > buffer.length()) {
            throw new IllegalArgumentException("segment [" + offset + ", +" + length + ") is outside its buffer of "
                    + buffer.length() + " bytes");
        }
    }

    /** Bus address of the first byte. */
    public long address() {
        return buffer.address() + offset;
    }
}
