package io.frwr.loadgen;

import java.util.Locale;

/** Byte counts as people type them on a command line: 4096, 4k, 64k, 1m (binary units, as perftest's -s). */
public final class ByteSize {
    private ByteSize() {
    }

    /** @throws IllegalArgumentException saying what the text should look like */
    public static long parse(String text) {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty size; write bytes or a number with k, m or g (4096, 4k, 1m)");
        }
        final char last = t.charAt(t.length() - 1);
        final long unit = switch (last) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1L;
        };
        final String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write bytes or a number with k, m"
                    + " or g (4096, 4k, 1m)");
        }
        return Long.parseLong(digits) * unit;
    }

    /** The shortest exact form: 4k, 1m, 1500. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "g";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "m";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "k";
        }
        return Long.toString(bytes);
    }
}
