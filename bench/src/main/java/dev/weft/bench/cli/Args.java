package dev.weft.bench.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parsed command line of {@code weft-bench}. Immutable.
 *
 * @param command      {@code replay}, {@code merge}, {@code floor} or {@code info}
 * @param file         the trace file
 * @param warmup       untimed runs before the measured ones (JIT warm-up), {@code >= 0}
 * @param runs         measured runs; each phase reports the median, {@code >= 1}
 * @param expectLength when {@code >= 0}, correctness is "converged and final length equals this" instead of
 *                     "text equals endContent"; {@code -1} means compare with endContent
 * @param measureHeap  whether to measure the retained heap of the loaded replica (a few full GCs)
 * @param diffThreshold merge: a replica missing at least this many kept updates syncs by diff where it can
 * @param perRun       replay: also print every run's phase times, warm-ups included, in run order
 */
record Args(String command, Path file, int warmup, int runs, int expectLength, boolean measureHeap, int diffThreshold,
            boolean perRun) {

    /** Final length of git-makefile, which is checked by length and convergence only (see traces/README.md). */
    static final int GIT_MAKEFILE_LENGTH = 113_676;

    static final String USAGE = """
            usage: weft-bench replay|merge|floor|info [options] FILE.json.gz
                   weft-bench jmh [JMH options]
              replay   sequential trace: local edits on A, their updates applied on B, A's state loaded into C
              merge    concurrent trace: one replica per agent synced to each txn's parents, then merged
              floor    sequential trace applied to a plain StringBuilder (the speed floor)
              info     the trace's kind and counts, no replay
            options:
              --runs N            measured runs, median reported (default 3)
              --warmup N          untimed warm-up runs first (default 1)
              --expect-length N   correct = converged and final length N (default for git-makefile*: 113676)
              --no-heap           skip the retained-heap measurement
              --diff-threshold N  merge: sync by encodeDiff when N or more kept updates are missing (default 1000)
              --per-run           replay: also print each run's phase times in ms, warm-ups first ("perRunMs")
            prints one JSON line on stdout; exit 0 correct result, 1 wrong result, 2 bad input, 3 replay failure""";

    /** Thrown for a malformed command line; the message is printed with the usage. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Args parse(String[] argv) throws UsageException {
        if (argv.length == 0) {
            throw new UsageException("missing command");
        }
        String command = argv[0];
        if (!List.of("replay", "merge", "floor", "info").contains(command)) {
            throw new UsageException("unknown command '" + command + "'");
        }
        int warmup = 1;
        int runs = 3;
        int expectLength = -1;
        boolean heap = true;
        boolean perRun = false;
        int diffThreshold = dev.weft.bench.replay.WeftConcurrentReplay.DIFF_THRESHOLD;
        List<String> files = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            switch (a) {
                case "--runs" -> runs = intValue(argv, ++i, a, 1);
                case "--warmup" -> warmup = intValue(argv, ++i, a, 0);
                case "--expect-length" -> expectLength = intValue(argv, ++i, a, 0);
                case "--no-heap" -> heap = false;
                case "--per-run" -> perRun = true;
                case "--diff-threshold" -> diffThreshold = intValue(argv, ++i, a, 0);
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option '" + a + "'");
                    }
                    files.add(a);
                }
            }
        }
        if (files.size() != 1) {
            throw new UsageException(files.isEmpty() ? "missing trace file" : "expected one trace file, got " + files);
        }
        Path file = Path.of(files.get(0));
        if (expectLength < 0 && file.getFileName().toString().startsWith("git-makefile")) {
            expectLength = GIT_MAKEFILE_LENGTH;
        }
        return new Args(command, file, warmup, runs, expectLength, heap, diffThreshold, perRun);
    }

    private static int intValue(String[] argv, int i, String option, int min) throws UsageException {
        if (i >= argv.length) {
            throw new UsageException(option + " needs a number");
        }
        try {
            int v = Integer.parseInt(argv[i]);
            if (v < min) {
                throw new UsageException(option + " must be >= " + min + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, got '" + argv[i] + "'");
        }
    }
}
