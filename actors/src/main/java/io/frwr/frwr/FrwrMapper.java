package io.frwr.frwr;

import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.PageList;
import io.frwr.verbs.Segment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Splits a chunk's segments over as few MRs as the device allows (frwr_op_map's page loop, generalised).
 *
 * <p>Each MR maps at most {@code maxDepth} pages. Without SG_GAPS an MR maps whole pages laid end to end,
 * so only its first range may start mid-page and only its last may end mid-page: like the kernel, a
 * segment that ends mid-page ends its MR, and one that starts mid-page starts a new MR. Unlike the kernel,
 * which simply stops and leaves the rest to the next call, a segment too long for the pages left is split
 * at a page boundary and continues in the next MR, so one call plans the whole chunk. With SG_GAPS any
 * byte ranges merge, still within {@code maxDepth} pages.
 *
 * <p>Stateless and thread-safe; scratch arrays live per call and are sized by ranges, never by pages.
 */
public final class FrwrMapper {
    private final int pageSize;
    private final int maxDepth;
    private final boolean sgGaps;
    private final long pageMask;
    private final int pageShift;
    /** maxDepth, lowered if needed so a full MR stays under PageList's 2 GiB limit. */
    private final int pageBudget;

    /**
     * @param pageSize bytes per page of the device's fast-reg page list, a power of two
     * @param maxDepth most pages one MR maps (max-frmr-depth capped at max_fast_reg_page_list_len), &gt;= 1
     * @param sgGaps   true if the device maps ranges with gaps between them (IB_MR_TYPE_SG_GAPS)
     */
    public FrwrMapper(int pageSize, int maxDepth, boolean sgGaps) {
        if (pageSize <= 0 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("pageSize = " + pageSize + ": must be a power of two between 1 and "
                    + (1 << 30));
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth = " + maxDepth + ": must be between 1 and "
                    + Integer.MAX_VALUE + " pages");
        }
        this.pageSize = pageSize;
        this.maxDepth = maxDepth;
        this.sgGaps = sgGaps;
        this.pageMask = pageSize - 1L;
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.pageBudget = Math.min(maxDepth, Integer.MAX_VALUE / pageSize);
    }

    /** A mapper for a device: its page size and gap support, depth capped at max_fast_reg_page_list_len. */
    public static FrwrMapper forDevice(DeviceAttributes device, int maxFrmrDepth) {
        return new FrwrMapper(device.pageSize(), Math.min(maxFrmrDepth, device.maxFastRegPageListLen()),
                device.sgGapsSupported());
    }

    /** {@return the device page size the page lists are built in} */
    public int pageSize() {
        return pageSize;
    }

    /** {@return the most pages one MR maps} */
    public int maxDepth() {
        return maxDepth;
    }

    /** {@return whether the device maps byte ranges with gaps between them into one MR} */
    public boolean sgGaps() {
        return sgGaps;
    }

    /**
     * One plan per MR needed, in order; concatenating every plan's slices gives back exactly the bytes of
     * {@code segments}.
     *
     * @throws IllegalArgumentException for an empty list, or naming the index of a null or zero-length
     *                                  segment or of one mapped by a different device than segment 0
     */
    public List<ChunkPlan> plan(List<Segment> segments) {
        validate(segments);
        final List<ChunkPlan> plans = new ArrayList<>();
        final ChunkBuilder chunk = new ChunkBuilder(Math.min(segments.size(), 16));
        for (final Segment segment : segments) {
            int done = 0;
            while (done < segment.length()) {
                final long address = segment.address() + done;
                final int remaining = segment.length() - done;
                if (!sgGaps && !chunk.isEmpty() && (address & pageMask) != 0) {
                    plans.add(chunk.finish());  // a mid-page start can only be an MR's first range
                }
                final int freePages = pageBudget - chunk.pages;
                final int pages = pagesSpanned(address, remaining);
                if (pages <= freePages) {
                    chunk.add(done == 0 ? segment : slice(segment, done, remaining), address, remaining, pages);
                    done = segment.length();
                    if (chunk.pages == pageBudget || (!sgGaps && ((address + remaining) & pageMask) != 0)) {
                        plans.add(chunk.finish());  // full, or a mid-page end can only be an MR's last range
                    }
                } else {
                    // freePages >= 1 here (a full chunk is finished at once), so the split takes > 0 bytes.
                    final int take = (int) ((address & ~pageMask) + ((long) freePages << pageShift) - address);
                    chunk.add(slice(segment, done, take), address, take, freePages);
                    done += take;
                    plans.add(chunk.finish());
                }
            }
        }
        if (!chunk.isEmpty()) {
            plans.add(chunk.finish());
        }
        return Collections.unmodifiableList(plans);
    }

    /** Pages the device counts for [address, address + length), as PageList counts them. */
    private int pagesSpanned(long address, int length) {
        return (int) (((address + length + pageMask) >>> pageShift) - (address >>> pageShift));
    }

    private static Segment slice(Segment segment, int from, int length) {
        return new Segment(segment.buffer(), segment.offset() + from, length);
    }

    private static void validate(List<Segment> segments) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("segment list is empty; a chunk needs at least one segment");
        }
        final Segment first = segments.get(0);
        for (int i = 0; i < segments.size(); i++) {
            final Segment s = segments.get(i);
            if (s == null) {
                throw new IllegalArgumentException("segment " + i + " is null");
            }
            if (s.length() == 0) {
                throw new IllegalArgumentException("segment " + i + " has length 0; every segment must hold at "
                        + "least 1 byte");
            }
            if (!Objects.equals(s.buffer().owner(), first.buffer().owner())) {
                throw new IllegalArgumentException("segment " + i + " is mapped by device " + s.buffer().owner()
                        + " but segment 0 by device " + first.buffer().owner() + "; one MR maps one device's memory");
            }
        }
    }

    /** The MR being filled: ranges and slices so far, reused across chunks of one plan call. */
    private final class ChunkBuilder {
        private long[] addresses;
        private int[] lengths;
        private final List<Segment> slices = new ArrayList<>();
        private int ranges;
        private int pages;

        ChunkBuilder(int initialRanges) {
            this.addresses = new long[initialRanges];
            this.lengths = new int[initialRanges];
        }

        boolean isEmpty() {
            return ranges == 0;
        }

        void add(Segment slice, long address, int length, int rangePages) {
            if (ranges == addresses.length) {
                addresses = Arrays.copyOf(addresses, ranges * 2);
                lengths = Arrays.copyOf(lengths, ranges * 2);
            }
            addresses[ranges] = address;
            lengths[ranges] = length;
            ranges++;
            pages += rangePages;
            slices.add(slice);
        }

        ChunkPlan finish() {
            final PageList pageList = PageList.of(pageSize, sgGaps, Arrays.copyOf(addresses, ranges),
                    Arrays.copyOf(lengths, ranges));
            final ChunkPlan plan = new ChunkPlan(pageList, slices);
            slices.clear();
            ranges = 0;
            pages = 0;
            return plan;
        }
    }
}
