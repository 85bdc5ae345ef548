package io.frwr.frwr;

import io.frwr.verbs.PageList;
import io.frwr.verbs.Segment;
import java.util.List;

/**
 * What one MR registers: the page list for its FAST_REG, and the exact bytes of the caller's segments it
 * covers, in iova order. A slice is a whole segment or the part of one that fits this MR.
 */
public record ChunkPlan(PageList pageList, List<Segment> slices) {
    /** Checks that every slice has its page-list range, so a bad plan never reaches a FAST_REG. */
    public ChunkPlan {
        if (pageList == null || slices == null || slices.isEmpty()) {
            throw new IllegalArgumentException("a chunk plan needs a page list and at least one slice");
        }
        slices = List.copyOf(slices);
        if (slices.size() != pageList.rangeCount()) {
            throw new IllegalArgumentException("a chunk plan needs one slice per page-list range, had "
                    + slices.size() + " slices and " + pageList.rangeCount() + " ranges");
        }
    }

    /** Bytes this MR maps; a peer sees [iova, iova + length). */
    public int length() {
        return pageList.length();
    }

    /** The address a peer uses for the chunk's first byte. */
    public long iova() {
        return pageList.iova();
    }

    /** Pages the FAST_REG occupies in the MR's page list. */
    public int pageCount() {
        return pageList.pageCount();
    }
}
