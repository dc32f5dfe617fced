package dev.weft.bench.trace;

/**
 * Thrown when a file cannot be read as an editing trace. {@link #problem()} says at which layer it failed, and
 * the message names the file and the offending spot (JSON path where known).
 */
public final class TraceFormatException extends Exception {

    /** The layer at which reading failed. */
    public enum Problem {
        /** The file could not be opened or read. */
        IO,
        /** The file is not gzip-compressed (or the gzip stream is corrupt or truncated). */
        NOT_GZIP,
        /** The decompressed bytes are not well-formed JSON. */
        NOT_JSON,
        /** Valid JSON, but not an object in the trace format. */
        NOT_A_TRACE,
        /** A valid trace this tool cannot replay (e.g. code points above U+FFFF in a concurrent trace). */
        UNSUPPORTED
    }

    private final Problem problem;

    public TraceFormatException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public TraceFormatException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    /** The layer at which reading failed. */
    public Problem problem() {
        return problem;
    }
}
