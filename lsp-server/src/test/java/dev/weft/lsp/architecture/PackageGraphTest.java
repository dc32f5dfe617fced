package dev.weft.lsp.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build's architecture check, JDK only: reads the main sources of every module of the repository (found from
 * this module's directory, {@code ..}), takes each file's references to {@code dev.weft…} types (imports and fully
 * qualified names, comments and string literals removed) and checks that the package graph has no cycle (beyond
 * the {@link #KNOWN_CYCLES}, which may only shrink) and that no module uses another module's {@code internal}
 * package.
 */
class PackageGraphTest {
    /** A reference to a Weft type: lower-case package segments, then the type's capitalised name. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.weft((?:\\.[a-z_][a-z0-9_]*)*)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    /**
     * Cycles that existed when this check was added, inside one module each: {@code crdt}'s public API and its
     * {@code codec}/{@code internal} packages use each other's types, and {@code relay}'s root package
     * ({@code RelayConfig}, {@code RelayServer}) and {@code net}/{@code room} too. They may only shrink: a cycle
     * that is not a subset of one of these fails the build. Remove an entry when its module is untangled.
     */
    private static final List<Set<String>> KNOWN_CYCLES = List.of();

    /** One source file: its module, package and the packages it references. */
    private record Source(String module, Path file, String pkg, Set<String> uses) {
    }

    @Test
    void packageGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Source s : sources()) {
            graph.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
            for (String u : s.uses()) {
                if (!u.equals(s.pkg())) {
                    graph.get(s.pkg()).add(u);
                }
            }
        }
        assertThat(graph).as("main packages found").hasSizeGreaterThan(10);
        List<Set<String>> unexpected = new ArrayList<>();
        for (Set<String> cycle : cycles(graph)) {
            if (KNOWN_CYCLES.stream().noneMatch(k -> k.containsAll(cycle))) {
                unexpected.add(cycle);
            }
        }
        assertThat(unexpected).as("package cycles (each a strongly connected set of packages) not already known")
                .isEmpty();
    }

    @Test
    void noModuleUsesAnotherModulesInternalPackage() throws IOException {
        List<Source> all = sources();
        Map<String, String> ownerOf = new HashMap<>();
        for (Source s : all) {
            ownerOf.put(s.pkg(), s.module());
        }
        List<String> violations = new ArrayList<>();
        for (Source s : all) {
            for (String u : s.uses()) {
                boolean internal = u.endsWith(".internal") || u.contains(".internal.");
                String owner = ownerOf.get(u);
                if (internal && owner != null && !owner.equals(s.module())) {
                    violations.add(s.file() + " (module " + s.module() + ") uses " + u + " of module " + owner);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** Every main source file of every module next to this one. */
    private static List<Source> sources() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("lsp-server"))) {
            root = Path.of("").toAbsolutePath(); // run from the reactor root
        }
        List<Source> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        String text = stripCommentsAndStrings(Files.readString(f, StandardCharsets.UTF_8));
                        Matcher pm = PACKAGE.matcher(text);
                        if (!pm.find()) {
                            continue;
                        }
                        Set<String> uses = new TreeSet<>();
                        Matcher m = REFERENCE.matcher(text);
                        while (m.find()) {
                            uses.add("dev.weft" + m.group(1));
                        }
                        out.add(new Source(module.getFileName().toString(), root.relativize(f), pm.group(1), uses));
                    }
                }
            }
        }
        return out;
    }

    /** The strongly connected components with more than one package (Tarjan), each as a sorted set. */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                strongConnect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                      List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!graph.containsKey(w)) {
                continue; // a package outside the main sources
            }
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> scc = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                scc.add(w);
            } while (!w.equals(v));
            if (scc.size() > 1) {
                out.add(scc);
            }
        }
    }

    /** Java source with comments, string and character literals (text blocks included) blanked out. */
    static String stripCommentsAndStrings(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                b.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && s.charAt(i) != c) {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                b.append(c).append(c);
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
