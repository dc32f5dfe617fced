package dev.weft.client.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one subcommand; unknown or repeated options are usage errors. */
final class Args {
    /** Option values by name (without dashes); immutable after parsing. */
    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args} as {@code --name value} pairs.
     *
     * @throws UsageException for an option not in {@code allowed}, a missing value, a repeat or a stray word
     */
    static Args parse(List<String> args, Set<String> allowed) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (!allowed.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            if (values.put(name, value) != null) {
                throw new UsageException("option --" + name + " given twice");
            }
        }
        return new Args(values);
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
