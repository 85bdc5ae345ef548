package io.frwr.loadgen;

import org.HdrHistogram.Histogram;

/**
 * One row of the results table: every successful WRITE and READ of one payload size (bytes 0 for the
 * total row). Latencies in the histogram are nanoseconds.
 */
public record PayloadRow(int bytes, long ops, long bytesMoved, Histogram latency) {
    /** The report's MB: 2^20 bytes, as perftest counts. */
    public static final double MB = 1 << 20;

    /** {@return MB moved per second over {@code seconds}} */
    public double mbPerSec(double seconds) {
        return seconds > 0 ? bytesMoved / MB / seconds : 0;
    }

    /** {@return calls per second over {@code seconds}} */
    public double opsPerSec(double seconds) {
        return seconds > 0 ? ops / seconds : 0;
    }

    /** {@return the median latency in microseconds} */
    public double p50Us() {
        return percentileUs(50.0);
    }

    /** {@return the 99th percentile latency in microseconds} */
    public double p99Us() {
        return percentileUs(99.0);
    }

    /** {@return the 99.9th percentile latency in microseconds} */
    public double p999Us() {
        return percentileUs(99.9);
    }

    /** {@return the longest latency in microseconds} */
    public double maxUs() {
        return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0;
    }

    private double percentileUs(double p) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p) / 1000.0;
    }
}
