package dev.weft.bench.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.weft.bench.trace.Trace;
import dev.weft.bench.trace.TraceFormatException;
import dev.weft.bench.trace.TraceReader;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of {@code weft-bench}: measures Weft (or the StringBuilder floor) on one editing trace and prints
 * one JSON line. See {@link Args#USAGE} and {@code docs/benchmarks.md}.
 *
 * <p>Exit codes: 0 the result is correct; 1 it is not (wrong text, no convergence); 2 bad command line or a file
 * that is not a readable trace; 3 the replay itself failed (the CRDT threw).
 */
public final class Main {

    /** The result was correct. */
    public static final int OK = 0;
    /** The replay ran but its result is wrong. */
    public static final int WRONG_RESULT = 1;
    /** Bad command line or unreadable trace. */
    public static final int BAD_INPUT = 2;
    /** The replay threw. */
    public static final int FAILED = 3;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length > 0 && argv[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(argv, 1, argv.length));
            return;
        }
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command, printing the JSON report to {@code out} and problems, one line each, to {@code err}. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 1 && (argv[0].equals("-h") || argv[0].equals("--help") || argv[0].equals("help"))) {
            out.println(Args.USAGE);
            return OK;
        }
        Args args;
        try {
            args = Args.parse(argv);
        } catch (Args.UsageException e) {
            err.println("weft-bench: " + e.getMessage());
            err.println(Args.USAGE);
            return BAD_INPUT;
        }
        Trace trace;
        try {
            trace = TraceReader.read(args.file());
        } catch (TraceFormatException e) {
            err.println("weft-bench: " + e.getMessage());
            return BAD_INPUT;
        }
        boolean concurrent = trace.kind() == Trace.Kind.CONCURRENT;
        if (args.command().equals("info")) {
            out.println(GSON.toJson(Measurements.info(trace)));
            return OK;
        }
        if (args.command().equals("replay") && concurrent) {
            err.println("weft-bench: " + args.file() + " is a concurrent trace; use 'merge'");
            return BAD_INPUT;
        }
        if (!args.command().equals("replay") && !args.command().equals("floor") && !concurrent) {
            err.println("weft-bench: " + args.file() + " is a sequential trace; use 'replay'");
            return BAD_INPUT;
        }
        if (args.command().equals("floor") && concurrent) {
            err.println("weft-bench: the StringBuilder floor needs a sequential trace; " + args.file()
                    + " is concurrent (use its *_flat variant)");
            return BAD_INPUT;
        }
        Measurements.Report report;
        try {
            report = switch (args.command()) {
                case "replay" -> Measurements.replay(trace, args);
                case "merge" -> Measurements.merge(trace, args);
                default -> Measurements.floor(trace, args);
            };
        } catch (RuntimeException e) {
            err.println("weft-bench: replay of " + trace.name() + " failed: " + e);
            e.printStackTrace(err);
            return FAILED;
        }
        out.println(GSON.toJson(report.fields()));
        return report.ok() ? OK : WRONG_RESULT;
    }
}
