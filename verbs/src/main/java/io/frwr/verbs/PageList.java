package io.frwr.verbs;

import java.util.Arrays;

/**
 * What one FAST_REG maps: page-aligned bus addresses, and the byte range [iova, iova + length) inside
 * them that the registration exposes (the first page may start mid-page, the last may end mid-page).
 */
public record PageList(long[] pages, int pageSize, int firstByteOffset, int length) {
    public PageList {
        if (pages.length == 0) {
            throw new IllegalArgumentException("a page list needs at least one page");
        }
        if (firstByteOffset < 0 || firstByteOffset >= pageSize || length < 0
                || (long) firstByteOffset + length > (long) pages.length * pageSize) {
            throw new IllegalArgumentException("byte range [" + firstByteOffset + ", +" + length + ") does not fit "
                    + pages.length + " pages of " + pageSize);
        }
    }

    /** The address a peer uses for the first byte (first page + offset), as the kernel's ib_map_mr_sg sets it. */
    public long iova() {
        return pages[0] + firstByteOffset;
    }

    public int pageCount() {
        return pages.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PageList p && Arrays.equals(pages, p.pages) && pageSize == p.pageSize
                && firstByteOffset == p.firstByteOffset && length == p.length;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pages) * 31 + length;
    }

    @Override
    public String toString() {
        return "PageList[" + pages.length + " pages, iova=0x" + Long.toHexString(iova()) + ", len=" + length + "]";
    }
}
