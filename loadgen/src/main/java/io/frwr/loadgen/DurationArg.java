package io.frwr.loadgen;

import java.time.Duration;
import java.util.Locale;

/** Durations on the command line: a number with ns, us, ms, s, m or h (20s, 200us, 1500ms, 2m, 1h). */
public final class DurationArg {
    private static final String[] UNITS = {"ns", "us", "ms", "s", "m", "h"};
    private static final long[] UNIT_NANOS = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L,
        3_600_000_000_000L};

    private DurationArg() {
    }

    /** @throws IllegalArgumentException saying what the text should look like */
    public static Duration parse(String text) {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        final String digits = t.substring(0, split);
        final String unit = t.substring(split);
        if (digits.isEmpty() || digits.length() > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write a whole number with ns,"
                    + " us, ms, s, m or h (20s, 200us)");
        }
        if (unit.isEmpty() && Long.parseLong(digits) == 0) {
            return Duration.ZERO;
        }
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return Duration.ofNanos(Math.multiplyExact(Long.parseLong(digits), UNIT_NANOS[i]));
            }
        }
        throw new IllegalArgumentException("'" + text + "' has no unit; write a whole number with ns, us, ms, s,"
                + " m or h (20s, 200us)");
    }

    /** The largest unit that shows the value exactly: 20s, 200us, 0s. */
    public static String format(Duration d) {
        final long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        for (int i = UNITS.length - 1; i >= 0; i--) {
            if (nanos % UNIT_NANOS[i] == 0) {
                return nanos / UNIT_NANOS[i] + UNITS[i];
            }
        }
        throw new AssertionError("1ns divides every duration");
    }
}
