package io.frwr.actors;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One transport's counters. Several actors of the transport bump them; readers take a {@link Snapshot}.
 * Per instance, never static: several transports in one system keep separate books.
 */
public final class TransportCounters {
    private final AtomicLongArray values = new AtomicLongArray(TransportCounter.values().length);

    /** Count one more {@code c}; lock-free, safe from any thread. */
    public void increment(TransportCounter c) {
        values.incrementAndGet(c.ordinal());
    }

    /** Count {@code n} more {@code c}. */
    public void add(TransportCounter c, long n) {
        values.addAndGet(c.ordinal(), n);
    }

    /** Raise a high-water mark to {@code value} if it is higher. */
    public void max(TransportCounter c, long value) {
        values.accumulateAndGet(c.ordinal(), value, Math::max);
    }

    /** {@return the current value of {@code c}} */
    public long get(TransportCounter c) {
        return values.get(c.ordinal());
    }

    /** {@return every counter now, with {@code occupancy} taken by the caller at about the same moment} */
    public Snapshot snapshot(PoolOccupancy occupancy) {
        final long[] copy = new long[values.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = values.get(i);
        }
        return new Snapshot(copy, occupancy);
    }

    /** Counter values at one moment, with the pool's occupancy at that moment. */
    public record Snapshot(long[] values, PoolOccupancy occupancy) {
        /** {@return the value of {@code c} in this snapshot} */
        public long get(TransportCounter c) {
            return values[c.ordinal()];
        }

        @Override
        public String toString() {
            final StringBuilder sb = new StringBuilder();
            for (TransportCounter c : TransportCounter.values()) {
                sb.append(c.label()).append('=').append(values[c.ordinal()]).append(' ');
            }
            return sb.append(occupancy).toString();
        }
    }
}
