package io.frwr.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which payload sizes the workers move and how often: {@code 4k} (one size), {@code 64k,1m} (equal shares)
 * or {@code 4k:70,64k:25,1m:5} (weights, any positive integers).
 */
public record PayloadMix(List<Entry> entries) {
    /** The largest payload: 1 MiB, the NFS server's largest I/O. */
    public static final int MAX_PAYLOAD = 1 << 20;
    /** The largest weight one size may have. */
    public static final int MAX_WEIGHT = 1_000_000;

    /** Calls of {@code bytes} each, chosen with probability weight / total weight. */
    public record Entry(int bytes, int weight) { }

    /** Checks sizes and weights, so a bad --payload fails before the run. */
    public PayloadMix {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a payload mix needs at least one size");
        }
        entries = List.copyOf(entries);
    }

    /** @throws IllegalArgumentException naming the bad element and the allowed form or range */
    public static PayloadMix parse(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty payload mix; write sizes (4k or 64k,1m) or size:weight pairs"
                    + " (4k:70,64k:25,1m:5)");
        }
        final List<Entry> entries = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            final String[] parts = item.trim().split(":", -1);
            if (parts.length > 2 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("'" + item + "' is not size or size:weight (4k, 64k:25)");
            }
            final long bytes = ByteSize.parse(parts[0]);
            if (bytes < 1 || bytes > MAX_PAYLOAD) {
                throw new IllegalArgumentException("payload size " + parts[0] + " is outside 1..1m (NFS MAX_IO "
                        + MAX_PAYLOAD + " bytes)");
            }
            final int weight = parts.length == 2 ? weight(parts[1], item) : 1;
            for (Entry e : entries) {
                if (e.bytes() == bytes) {
                    throw new IllegalArgumentException("payload size " + parts[0] + " is listed twice");
                }
            }
            entries.add(new Entry((int) bytes, weight));
        }
        return new PayloadMix(entries);
    }

    private static int weight(String text, String item) {
        final int w;
        try {
            w = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weight in '" + item + "' is not a whole number 1.." + MAX_WEIGHT);
        }
        if (w < 1 || w > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight in '" + item + "' must be 1.." + MAX_WEIGHT + ", was " + w);
        }
        return w;
    }

    /** {@return the largest payload of the mix: what each worker's buffers are sized for} */
    public int maxBytes() {
        int max = 0;
        for (Entry e : entries) {
            max = Math.max(max, e.bytes());
        }
        return max;
    }

    /** A size drawn with the entries' weights. */
    public int pick(SplittableRandom random) {
        int total = 0;
        for (Entry e : entries) {
            total += e.weight();
        }
        int r = random.nextInt(total);
        for (Entry e : entries) {
            r -= e.weight();
            if (r < 0) {
                return e.bytes();
            }
        }
        throw new AssertionError("weights sum to " + total);
    }

    /** The canonical text, as it would be typed: 4k:70,64k:25,1m:5. */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(ByteSize.format(e.bytes()));
            if (entries.size() > 1) {
                sb.append(':').append(e.weight());
            }
        }
        return sb.toString();
    }
}
