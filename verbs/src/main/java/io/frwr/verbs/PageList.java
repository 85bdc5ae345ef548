package io.frwr.verbs;

import java.util.Arrays;

/**
 * What one FAST_REG maps: byte ranges of local memory laid end to end in the MR's iova space, which
 * starts at {@link #iova()} (the first range's address, as ib_map_mr_sg sets it).
 *
 * <p>An ordinary FRWR MR maps whole pages, so only the first range may start mid-page and only the last
 * may end mid-page ("no gaps"). A device with SG_GAPS support maps any byte ranges; that is the
 * {@code gaps} flag. Pages are counted as the device counts them against its page-list depth.
 */
public final class PageList {
    private final long[] addresses;
    private final int[] lengths;
    private final int pageSize;
    private final boolean gaps;
    private final int length;
    private final int pageCount;

    private PageList(long[] addresses, int[] lengths, int pageSize, boolean gaps, int length, int pageCount) {
        this.addresses = addresses;
        this.lengths = lengths;
        this.pageSize = pageSize;
        this.gaps = gaps;
        this.length = length;
        this.pageCount = pageCount;
    }

    /** Validates the ranges: positive lengths, and in page mode page-aligned interior boundaries. */
    public static PageList of(int pageSize, boolean gaps, long[] addresses, int[] lengths) {
        if (pageSize <= 0 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two, was " + pageSize);
        }
        if (addresses.length == 0 || addresses.length != lengths.length) {
            throw new IllegalArgumentException("a page list needs one length per address and at least one range, had "
                    + addresses.length + " addresses and " + lengths.length + " lengths");
        }
        final long mask = pageSize - 1L;
        long total = 0;
        int pages = 0;
        for (int i = 0; i < addresses.length; i++) {
            final long a = addresses[i];
            final int n = lengths[i];
            if (n <= 0) {
                throw new IllegalArgumentException("range " + i + " has length " + n + "; ranges must be non-empty");
            }
            if (!gaps && i > 0 && (a & mask) != 0) {
                throw new IllegalArgumentException("range " + i + " starts mid-page (0x" + Long.toHexString(a)
                        + ") and this MR cannot map gaps");
            }
            if (!gaps && i < addresses.length - 1 && ((a + n) & mask) != 0) {
                throw new IllegalArgumentException("range " + i + " ends mid-page (0x" + Long.toHexString(a + n)
                        + ") and this MR cannot map gaps");
            }
            pages += (int) (((a + n + mask) >>> Long.numberOfTrailingZeros(pageSize)) - (a >>> Long.numberOfTrailingZeros(pageSize)));
            total += n;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a page list maps at most 2 GiB, was " + total + " bytes");
        }
        return new PageList(addresses.clone(), lengths.clone(), pageSize, gaps, (int) total, pages);
    }

    /** The address a peer uses for the first byte. */
    public long iova() {
        return addresses[0];
    }

    /** Bytes mapped: the iova range is [iova, iova + length). */
    public int length() {
        return length;
    }

    /** Pages this registration occupies in the MR's page list. */
    public int pageCount() {
        return pageCount;
    }

    /** {@return the page size the list is built in} */
    public int pageSize() {
        return pageSize;
    }

    /** {@return whether the ranges may leave gaps between pages (the device has SG_GAPS)} */
    public boolean gaps() {
        return gaps;
    }

    /** {@return how many byte ranges the registration maps} */
    public int rangeCount() {
        return addresses.length;
    }

    /** {@return the bus address where range {@code i} starts} */
    public long rangeAddress(int i) {
        return addresses[i];
    }

    /** {@return the length of range {@code i} in bytes} */
    public int rangeLength(int i) {
        return lengths[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PageList p && Arrays.equals(addresses, p.addresses) && Arrays.equals(lengths, p.lengths)
                && pageSize == p.pageSize && gaps == p.gaps;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(addresses) * 31 + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        return "PageList[" + addresses.length + " ranges, " + pageCount + " pages, iova=0x" + Long.toHexString(iova())
                + ", len=" + length + (gaps ? ", gaps" : "") + "]";
    }
}
