package dev.weft.bench.replay;

import java.util.Arrays;

/** Small statistics helpers for timing runs. */
public final class Stats {
    private Stats() {
    }

    /** {@code nanos} in milliseconds, rounded to 0.01 ms. */
    public static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** The median of {@code nanos} in milliseconds, rounded to 0.1 ms (mean of the middle two for even counts). */
    public static double medianMs(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        double median = s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
        return Math.round(median / 100_000.0) / 10.0;
    }
}
