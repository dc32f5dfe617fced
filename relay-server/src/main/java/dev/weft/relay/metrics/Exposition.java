package dev.weft.relay.metrics;

/**
 * Writes metrics in the Prometheus text exposition format: a {@code # HELP} and a {@code # TYPE} line, then the
 * samples. One place for the format, shared by {@link RelayMetrics} and {@link ClusterMetrics}.
 */
final class Exposition {
    private Exposition() {
    }

    /** Appends the {@code # HELP} and {@code # TYPE} lines of metric {@code name}. */
    static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Appends a gauge with one sample. */
    static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    /** Appends a counter with one sample. */
    static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    /** Appends a histogram: its buckets, sum and count. */
    static void histogram(StringBuilder out, String name, String help, Histogram histogram) {
        header(out, name, "histogram", help);
        histogram.writeTo(out, name);
    }
}
