package dev.weft.client.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words of one subcommand: {@code --name value} (or {@code --name=value}) options, {@code --name} switches and
 * positional words. Unknown or repeated options and options without their value are usage errors.
 */
final class Args {
    /** Option values by name (without dashes); a switch given maps to {@code "true"}. Immutable after parsing. */
    private final Map<String, String> values;
    /** The positional words, in order; immutable. */
    private final List<String> words;

    private Args(Map<String, String> values, List<String> words) {
        this.values = values;
        this.words = List.copyOf(words);
    }

    /**
     * Parses {@code args} as {@code --name value} pairs only.
     *
     * @throws UsageException for an option not in {@code allowed}, a missing value, a repeat or a stray word
     */
    static Args parse(List<String> args, Set<String> allowed) {
        Args parsed = parse(args, allowed, Set.of());
        if (!parsed.words.isEmpty()) {
            throw new UsageException("unexpected argument '" + parsed.words.get(0) + "'");
        }
        return parsed;
    }

    /**
     * Parses {@code args} into options named in {@code valued} (each takes a value), switches named in
     * {@code switches} (no value) and positional words (anything not starting with {@code --}).
     *
     * @throws UsageException for an unknown option, a missing value, a value given to a switch or a repeat
     */
    static Args parse(List<String> args, Set<String> valued, Set<String> switches) {
        Map<String, String> values = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                words.add(a);
                continue;
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
                if (switches.contains(name)) {
                    throw new UsageException("option --" + name + " takes no value");
                }
            } else if (switches.contains(name)) {
                value = "true";
            } else {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (!valued.contains(name) && !switches.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            if (values.put(name, value) != null) {
                throw new UsageException("option --" + name + " given twice");
            }
        }
        return new Args(values, words);
    }

    /** The positional words, in the order given. */
    List<String> words() {
        return words;
    }

    /** @throws UsageException if absent or empty */
    String required(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new UsageException("missing required option --" + name);
        }
        return v;
    }

    String optional(String name) {
        return values.get(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** @throws UsageException if present and not a positive number */
    double positive(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a positive number, got '" + v + "'");
        }
    }
}
