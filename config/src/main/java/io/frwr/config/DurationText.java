package io.frwr.config;

import java.time.Duration;

/** Renders a Duration in HOCON's own units, so an error message reads like the config line that caused it. */
final class DurationText {
    private static final long[] UNIT_NANOS = {
        86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s", "ms", "us", "ns"};

    private DurationText() {
    }

    /** The largest unit that shows the value exactly: 2s, 100ms, 1m; beyond ~292 years, seconds. */
    static String of(Duration d) {
        final long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.getSeconds() + "s";
        }
        if (nanos == 0) {
            return "0s";
        }
        for (int i = 0; i < UNIT_NANOS.length; i++) {
            if (nanos % UNIT_NANOS[i] == 0) {
                return nanos / UNIT_NANOS[i] + UNIT_NAMES[i];
            }
        }
        throw new AssertionError("1ns divides every duration");
    }
}
