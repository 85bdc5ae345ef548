package io.frwr.verbs.disni;

import io.frwr.verbs.PageList;

/**
 * The one virtually contiguous range an emulated FAST_REG hands to ibv_reg_mr. A page list whose ranges
 * do not touch end to start cannot be expressed: ibv_reg_mr maps [addr, addr + length) and nothing else.
 */
record RegistrationRange(long address, int length) {
    static RegistrationRange of(PageList pages) {
        long end = pages.rangeAddress(0) + pages.rangeLength(0);
        for (int i = 1; i < pages.rangeCount(); i++) {
            final long start = pages.rangeAddress(i);
            if (start != end) {
                throw new IllegalArgumentException("range " + i + " starts at 0x" + Long.toHexString(start)
                        + " but range " + (i - 1) + " ends at 0x" + Long.toHexString(end)
                        + "; ibv_reg_mr maps one virtually contiguous range, so the ranges must touch");
            }
            end = start + pages.rangeLength(i);
        }
        return new RegistrationRange(pages.iova(), pages.length());
    }
}
