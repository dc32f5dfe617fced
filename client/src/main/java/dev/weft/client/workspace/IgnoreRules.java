package dev.weft.client.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Which paths under a shared root are left out, and why: git's ignore rules (JGit's {@link IgnoreNode}, the same
 * matcher {@code git} semantics are tested against in JGit) plus Weft's own.
 *
 * <p>Precedence, first match wins: (1) {@linkplain #ALWAYS always excluded} names, which no rule can re-include;
 * (2) for each directory from the file's own up to the root, that directory's {@code .weftignore}, then its
 * {@code .gitignore}; (3) {@code .git/info/exclude}; (4) the user's {@code core.excludesFile} (default
 * {@code $XDG_CONFIG_HOME/git/ignore}). As in git, a file inside an excluded directory is excluded (callers do not
 * descend into one).
 *
 * <p>Not thread-safe; one instance serves one scan. Rule files are read lazily, once per directory.
 */
public final class IgnoreRules {
    private static final Logger LOG = Logger.getLogger(IgnoreRules.class.getName());

    /**
     * Basename patterns excluded at every level whatever the rules say: repository and Weft metadata, secrets
     * (environment files, private keys), and Weft's own side files (local copies kept aside, temp files of atomic
     * writes).
     */
    public static final List<String> ALWAYS = List.of(".git", ".weft", ".env*", "*.pem", "*.key", "id_rsa*",
            "id_ed25519*", "*.weft-local", ".weft-*.tmp");

    /** Always-excluded basenames as one JGit node; immutable. */
    private static final IgnoreNode ALWAYS_NODE = node(String.join("\n", ALWAYS));

    /** The shared root (absolute, normalised); immutable. */
    private final Path root;
    /** {@code .git/info/exclude}, or null; immutable. */
    private final IgnoreNode infoExclude;
    /** The user's excludes file, or null; immutable. */
    private final IgnoreNode userExcludes;
    /** Where {@link #userExcludes} came from (for reasons); immutable. */
    private final String userExcludesName;
    /** Per directory (root-relative, "" = root): its .weftignore and .gitignore nodes (null entries = none). */
    private final Map<String, IgnoreNode[]> perDirectory = new HashMap<>();

    private IgnoreRules(Path root, IgnoreNode infoExclude, IgnoreNode userExcludes, String userExcludesName) {
        this.root = root;
        this.infoExclude = infoExclude;
        this.userExcludes = userExcludes;
        this.userExcludesName = userExcludesName;
    }

    /**
     * Rules for {@code root} with the user's {@code core.excludesFile} from their git configuration (read with
     * JGit), or its default location.
     */
    public static IgnoreRules load(Path root) {
        return load(root, userExcludesFile());
    }

    /** Rules for {@code root} with an explicit user excludes file (empty: none). */
    public static IgnoreRules load(Path root, Optional<Path> userExcludesFile) {
        Path r = root.toAbsolutePath().normalize();
        IgnoreNode info = read(r.resolve(".git").resolve("info").resolve("exclude"));
        IgnoreNode user = userExcludesFile.map(IgnoreRules::read).orElse(null);
        return new IgnoreRules(r, info, user, userExcludesFile.map(Path::toString).orElse(""));
    }

    /**
     * Why {@code relPath} is left out, or empty if it is shared (as far as names go: size and symlinks are the
     * scanner's business).
     *
     * @param relPath     root-relative, {@code /}-separated
     * @param isDirectory whether it names a directory (rules ending in {@code /} match directories only)
     */
    public Optional<String> excluded(String relPath, boolean isDirectory) {
        int slash = relPath.lastIndexOf('/');
        String base = relPath.substring(slash + 1);
        if (Boolean.TRUE.equals(ALWAYS_NODE.checkIgnored(base, isDirectory))) {
            return Optional.of("always excluded (" + matchingAlways(base, isDirectory) + ")");
        }
        String dir = slash < 0 ? "" : relPath.substring(0, slash);
        while (true) {
            IgnoreNode[] nodes = nodesOf(dir);
            String rel = dir.isEmpty() ? relPath : relPath.substring(dir.length() + 1);
            String[] names = {".weftignore", ".gitignore"};
            for (int i = 0; i < 2; i++) {
                if (nodes[i] != null) {
                    Boolean ignored = nodes[i].checkIgnored(rel, isDirectory);
                    if (ignored != null) {
                        return ignored ? Optional.of((dir.isEmpty() ? "" : dir + "/") + names[i]) : Optional.empty();
                    }
                }
            }
            if (dir.isEmpty()) {
                break;
            }
            int up = dir.lastIndexOf('/');
            dir = up < 0 ? "" : dir.substring(0, up);
        }
        if (infoExclude != null) {
            Boolean ignored = infoExclude.checkIgnored(relPath, isDirectory);
            if (ignored != null) {
                return ignored ? Optional.of(".git/info/exclude") : Optional.empty();
            }
        }
        if (userExcludes != null && Boolean.TRUE.equals(userExcludes.checkIgnored(relPath, isDirectory))) {
            return Optional.of("core.excludesFile (" + userExcludesName + ")");
        }
        return Optional.empty();
    }

    /** True if {@code relPath} is always excluded, whatever the rule files say. */
    public static boolean alwaysExcluded(String relPath, boolean isDirectory) {
        for (String segment : relPath.split("/")) {
            if (Boolean.TRUE.equals(ALWAYS_NODE.checkIgnored(segment, isDirectory))) {
                return true;
            }
        }
        return false;
    }

    private IgnoreNode[] nodesOf(String dir) {
        return perDirectory.computeIfAbsent(dir, d -> {
            Path p = d.isEmpty() ? root : root.resolve(d);
            return new IgnoreNode[] {read(p.resolve(".weftignore")), read(p.resolve(".gitignore"))};
        });
    }

    private static String matchingAlways(String base, boolean isDirectory) {
        for (String pattern : ALWAYS) {
            if (Boolean.TRUE.equals(node(pattern).checkIgnored(base, isDirectory))) {
                return pattern;
            }
        }
        return base;
    }

    /** The user's {@code core.excludesFile}, or git's default {@code $XDG_CONFIG_HOME/git/ignore} if it exists. */
    static Optional<Path> userExcludesFile() {
        try {
            StoredConfig config = SystemReader.getInstance().getUserConfig();
            String value = config.getString("core", null, "excludesfile");
            if (value != null && !value.isBlank()) {
                if (value.startsWith("~/")) {
                    value = FS.DETECTED.userHome().toPath().resolve(value.substring(2)).toString();
                }
                return Optional.of(Path.of(value));
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "could not read the user's git configuration for core.excludesFile", e);
        }
        Path xdg = SystemReader.getInstance().getXdgConfigDirectory(FS.DETECTED);
        Path def = xdg == null ? null : xdg.resolve("git").resolve("ignore");
        return def != null && Files.isRegularFile(def) ? Optional.of(def) : Optional.empty();
    }

    private static IgnoreNode read(Path file) {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        IgnoreNode n = new IgnoreNode();
        try (InputStream in = Files.newInputStream(file)) {
            n.parse(file.toString(), in);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not read ignore rules " + file, e);
            return null;
        }
        return n;
    }

    private static IgnoreNode node(String rules) {
        IgnoreNode n = new IgnoreNode();
        try {
            n.parse(new java.io.ByteArrayInputStream(rules.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return n;
    }

    /** Reasons recorded by a scan, for the summary users see. */
    public static List<String> describe(Map<String, String> excluded, int max) {
        List<String> lines = new ArrayList<>();
        excluded.entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(max)
                .forEach(e -> lines.add(e.getKey() + "  (" + e.getValue() + ")"));
        if (excluded.size() > max) {
            lines.add("… and " + (excluded.size() - max) + " more");
        }
        return lines;
    }
}
