package io.frwr.verbs.sim;

/**
 * What operations cost, in nanoseconds (real time in {@link SimMode#FREE}, virtual time in
 * {@link SimMode#STEPPED}).
 *
 * <ul>
 *   <li>{@code allocMrNanos}, {@code deregMrNanos}: the caller of allocFastRegMr/deregMr is blocked this long
 *   (firmware time; FREE parks the calling thread so that parallel callers overlap, STEPPED advances the
 *   virtual clock).</li>
 *   <li>{@code fastRegNanos}: a FAST_REG WR occupies its send queue this long before it executes.</li>
 *   <li>{@code perByteNanos}: each byte a SEND, RDMA WRITE or RDMA READ moves occupies the send queue this long
 *   (bytes serialize per QP).</li>
 *   <li>{@code wireLatencyNanos}: one-way latency, overlapping between WRs: SEND and RDMA WRITE execute one
 *   latency after their bytes were sent, RDMA READ two (request and response); CM messages take one.</li>
 * </ul>
 * A WR executes (and completes) at {@code max(txEnd + latency, due of the previous WR of the same QP)}, so
 * due times are monotonic per QP.
 */
public record SimCosts(long allocMrNanos, long deregMrNanos, long fastRegNanos, double perByteNanos,
                       long wireLatencyNanos) {
    /** Everything free (a FREE fabric then executes WRs on the posting thread). */
    public static final SimCosts NONE = new SimCosts(0, 0, 0, 0.0, 0);

    /** Costs cannot be negative. */
    public SimCosts {
        if (allocMrNanos < 0 || deregMrNanos < 0 || fastRegNanos < 0 || wireLatencyNanos < 0
                || !(perByteNanos >= 0.0) || Double.isInfinite(perByteNanos)) {
            throw new IllegalArgumentException("costs must be finite and non-negative: " + allocMrNanos + ", "
                    + deregMrNanos + ", " + fastRegNanos + ", " + perByteNanos + ", " + wireLatencyNanos);
        }
    }

    /** True if no operation costs anything. */
    public boolean isNone() {
        return allocMrNanos == 0 && deregMrNanos == 0 && fastRegNanos == 0 && perByteNanos == 0.0
                && wireLatencyNanos == 0;
    }

    long transferNanos(int bytes) {
        return perByteNanos == 0.0 || bytes == 0 ? 0 : (long) Math.ceil(perByteNanos * bytes);
    }
}
