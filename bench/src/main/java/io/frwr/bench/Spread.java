package io.frwr.bench;

import java.util.Arrays;

/** Min, median and max of repeated measurements: the spread a benchmark table reports. */
public record Spread(double min, double median, double max, int samples) {
    public static Spread of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a spread needs at least one sample, had none");
        }
        final double[] v = values.clone();
        Arrays.sort(v);
        final int n = v.length;
        final double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
        return new Spread(v[0], median, v[n - 1], n);
    }

    public String format(String unit) {
        return String.format("%.1f / %.1f / %.1f %s (min/median/max of %d)", min, median, max, unit, samples);
    }
}
