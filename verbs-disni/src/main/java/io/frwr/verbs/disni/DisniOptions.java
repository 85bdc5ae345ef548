package io.frwr.verbs.disni;

import java.time.Duration;

/**
 * Settings of the DiSNI provider. DiSNI 2.1 has no ibv_query_device, so the device limits the SPI reports
 * come from here: set them to what {@code ibv_devinfo -v} prints for the device.
 *
 * @param pageSize           bytes per page (page_size_cap's smallest page, normally 4096)
 * @param maxMrSize          max_mr_size from ibv_devinfo; maxFastRegPageListLen = min(512, this / pageSize)
 * @param maxQpWr            max_qp_wr: the most WRs a send or receive queue may be created with
 * @param maxMr              max_mr: the most emulated fast-reg MRs handed out at once
 * @param maxSge             max_send_sge / max_recv_sge each QP is created with
 * @param rdmaDepth          initiator_depth and responder_resources (outstanding RDMA READs), at most max_qp_rd_atom
 * @param cqPollBatch        completions one ibv_poll_cq call moves
 * @param cqEventWait        how long the CQ poller sleeps on the completion channel before polling again
 * @param cmEventWait        how long the CM thread waits for an event before checking connect deadlines
 * @param resolveTimeout     rdma_resolve_addr / rdma_resolve_route timeout, capped by the connect timeout
 * @param retryCount         RC transport retries (0..7)
 * @param rnrRetryCount      receiver-not-ready retries (0..7, 7 = forever)
 */
public record DisniOptions(int pageSize, long maxMrSize, int maxQpWr, int maxMr, int maxSge, int rdmaDepth,
                           int cqPollBatch, Duration cqEventWait, Duration cmEventWait, Duration resolveTimeout,
                           int retryCount, int rnrRetryCount) {
    /** The most pages one emulated FAST_REG maps, whatever max_mr_size allows (the kernel's FRWR depth). */
    public static final int MAX_PAGE_LIST_LEN = 512;

    /** Checks the sizes, so a bad option fails where it is made and not at the first registration. */
    public DisniOptions {
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("pageSize must be a power of two >= 512, was " + pageSize);
        }
        if (maxMrSize < pageSize) {
            throw new IllegalArgumentException("maxMrSize must be at least pageSize (" + pageSize + "), was "
                    + maxMrSize);
        }
        requireRange("maxQpWr", maxQpWr, 1, 1 << 20);
        requireRange("maxMr", maxMr, 1, 1 << 24);
        requireRange("maxSge", maxSge, 1, 32);
        requireRange("rdmaDepth", rdmaDepth, 1, 255);
        requireRange("cqPollBatch", cqPollBatch, 1, 1024);
        requireRange("retryCount", retryCount, 0, 7);
        requireRange("rnrRetryCount", rnrRetryCount, 0, 7);
        requirePositive("cqEventWait", cqEventWait);
        requirePositive("cmEventWait", cmEventWait);
        requirePositive("resolveTimeout", resolveTimeout);
    }

    /** Soft-RoCE-friendly defaults; a real NIC usually allows more. */
    public static DisniOptions defaults() {
        return new DisniOptions(4096, 1L << 32, 4096, 65536, 4, 16, 32, Duration.ofMillis(100),
                Duration.ofMillis(50), Duration.ofSeconds(2), 7, 7);
    }

    /** min(512, maxMrSize / pageSize): DiSNI reports no fast-reg depth, so this bounds one registration. */
    public int maxFastRegPageListLen() {
        return (int) Math.min(MAX_PAGE_LIST_LEN, maxMrSize / pageSize);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", was " + value);
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 ms and " + Integer.MAX_VALUE
                    + " ms, was " + d);
        }
    }
}
