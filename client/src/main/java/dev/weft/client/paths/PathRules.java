package dev.weft.client.paths;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which names from the network (room ids, document names) may become paths on this machine, and where
 * ({@code docs/protocol.md}, "Document names"; {@code docs/user-guide.md}, "What a join writes"). A hostile relay
 * or peer chooses these names, so each rule is checked before any path is built:
 *
 * <ol>
 *   <li><b>Room ids</b> are 1–64 characters of {@code [A-Za-z0-9_-]} (what relays generate): never a path
 *       separator, {@code .} or {@code ..}.</li>
 *   <li><b>Document names</b> follow the protocol (1–1024 UTF-8 bytes, {@code /}-separated, no leading {@code /},
 *       no {@code \}, no empty, {@code .} or {@code ..} segment, no control character) and, because they become
 *       local paths: no segment longer than 255 UTF-8 bytes, no {@code :} (drive letters, alternate streams), no
 *       invisible formatting character (bidirectional overrides that disguise a name in a prompt), no unpaired
 *       surrogate, no segment ending in a space or a dot, no Windows device name ({@code CON}, {@code nul.txt},
 *       {@code COM1}…), no segment whose compatibility form (NFKC) is {@code .}, {@code ..} or holds {@code /},
 *       {@code \} or {@code :}.</li>
 *   <li><b>Never written from a peer</b> (compared case-insensitively, anywhere in the path unless noted): a
 *       {@code .git}, {@code .hg} or {@code .svn} segment (repository internals: config and hooks run commands);
 *       {@code .ssh}, {@code .gnupg}; {@code .vscode}, {@code .idea}, {@code .devcontainer} (tasks, launch and run
 *       configurations, settings that run programs); {@code .envrc}, {@code .exrc}, {@code .nvimrc},
 *       {@code .nvim.lua}, {@code .dir-locals.el}, {@code .dir-locals-2.el} (run by direnv, Vim/Neovim, Emacs on
 *       opening the folder); shell start-up files ({@code .bashrc}, {@code .bash_profile}, {@code .bash_login},
 *       {@code .bash_logout}, {@code .profile}, {@code .zshrc}, {@code .zshenv}, {@code .zprofile},
 *       {@code .zlogin}); {@code .config/autostart}, {@code .config/systemd}, {@code .config/fish}; {@code .git}
 *       as a file too.</li>
 *   <li><b>Resolution</b> ({@link #resolve}): the path is the base plus the name's segments; the real path of its
 *       deepest existing ancestor must lie inside the base's real path (no symbolic link leads out), and the file
 *       itself must not be a symbolic link.</li>
 * </ol>
 *
 * <pre>{@code
 * PathRules.resolve(Path.of("/ws"), "src/Main.java")      // /ws/src/Main.java
 * PathRules.resolve(Path.of("/ws"), "../etc/passwd")      // UnsafeNameException: '..' segment
 * PathRules.resolve(Path.of("/ws"), ".git/config")        // UnsafeNameException: never written from a peer
 * }</pre>
 *
 * <p>Checking and writing are separate steps: a local process that swaps a folder for a link in between is out of
 * scope (it can write there itself); writers still open files without following links.
 */
public final class PathRules {
    /** Longest document name in UTF-8 bytes (the protocol's limit). */
    public static final int MAX_NAME_BYTES = 1024;
    /** Longest path segment in UTF-8 bytes (common file systems' limit). */
    public static final int MAX_SEGMENT_BYTES = 255;
    private static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Segments never written, wherever they appear (lower case). */
    private static final Set<String> NEVER_SEGMENTS = Set.of(".git", ".hg", ".svn", ".ssh", ".gnupg", ".vscode",
            ".idea", ".devcontainer");
    /** File names never written (lower case). */
    private static final Set<String> NEVER_FILES = Set.of(".envrc", ".exrc", ".nvimrc", ".nvim.lua",
            ".dir-locals.el", ".dir-locals-2.el", ".bashrc", ".bash_profile", ".bash_login", ".bash_logout",
            ".profile", ".zshrc", ".zshenv", ".zprofile", ".zlogin");
    /** Folder pairs never written into (lower case, consecutive segments). */
    private static final Set<String> NEVER_PAIRS = Set.of(".config/autostart", ".config/systemd", ".config/fish");

    /** Windows device names (the part of a segment before its first dot, case-insensitive; digits include ¹²³). */
    private static final Pattern WINDOWS_DEVICES = Pattern.compile("(?i)(con|prn|aux|nul|conin\\$|conout\\$"
            + "|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])");
    /** File names that run commands when the user builds, tests or installs (lower case): cautioned, not refused. */
    private static final Set<String> BUILD_FILES = Set.of("makefile", "gnumakefile", "cmakelists.txt", "meson.build",
            "justfile", "rakefile", "gemfile", "package.json", ".npmrc", ".yarnrc", ".yarnrc.yml", "build.gradle",
            "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradlew", "gradlew.bat",
            "gradle-wrapper.properties", "pom.xml", "build.xml", "build.rs", "cargo.toml", "setup.py", "setup.cfg",
            "pyproject.toml", "conftest.py", "tox.ini", "noxfile.py", ".gitlab-ci.yml", ".pre-commit-config.yaml",
            ".gitattributes", ".gitmodules", "dockerfile", "docker-compose.yml", "flake.nix", "shell.nix",
            "default.nix", "build.sbt", "mix.exs", "composer.json");

    private PathRules() {
    }

    /** Why {@code id} cannot be a room id, or null if it can. */
    public static String roomIdProblem(String id) {
        if (id == null || !ROOM_ID.matcher(id).matches()) {
            return "room id '" + printable(id) + "' is not 1-64 characters of A-Z, a-z, 0-9, '_' or '-'";
        }
        return null;
    }

    /** Why {@code name} cannot be a local document path (rules 2 and 3), or null if it can. */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "document name is empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "document name is longer than " + MAX_NAME_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return "document name contains control character U+" + String.format("%04X", (int) c);
            }
            if (c == '\\') {
                return "document name contains '\\'";
            }
            if (c == ':') {
                return "document name contains ':' (a drive letter or stream name)";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    return "document name contains an unpaired surrogate";
                }
                i++;
                continue;
            }
            if (Character.getType(c) == Character.FORMAT) {
                return "document name contains invisible formatting character U+" + String.format("%04X", (int) c);
            }
        }
        if (name.startsWith("/")) {
            return "document name starts with '/' (must be relative)";
        }
        String[] segments = name.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "document name has an empty, '.' or '..' segment";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "document name has a segment longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
            String problem = segmentLookAlikeProblem(segment);
            if (problem != null) {
                return "document name '" + name + "' " + problem;
            }
        }
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i].toLowerCase(Locale.ROOT);
            if (NEVER_SEGMENTS.contains(s)) {
                return "'" + name + "' is inside " + segments[i] + ", which Weft never writes from a peer "
                        + "(its files can run commands)";
            }
            if (i + 1 < segments.length && NEVER_PAIRS.contains(s + "/" + segments[i + 1].toLowerCase(Locale.ROOT))) {
                return "'" + name + "' is inside " + segments[i] + "/" + segments[i + 1]
                        + ", which Weft never writes from a peer (its files run on their own)";
            }
        }
        if (NEVER_FILES.contains(segments[segments.length - 1].toLowerCase(Locale.ROOT))) {
            return "'" + name + "' is a file Weft never writes from a peer (it runs commands on its own)";
        }
        return null;
    }

    /**
     * Why a segment that passes the literal rules would still become something else on some disk, or null: a
     * trailing space or dot (Windows strips it: {@code a.txt.} is {@code a.txt}), a Windows device name
     * ({@code CON}, {@code nul.txt}, {@code COM1}: the device, not a file), or a compatibility form of {@code .},
     * {@code ..}, {@code /}, {@code \} or {@code :} (fullwidth {@code ．．}, {@code ‥}, {@code ／}: read as traversal in a prompt,
     * and normalised to it by some tools).
     */
    private static String segmentLookAlikeProblem(String segment) {
        char last = segment.charAt(segment.length() - 1);
        if (last == ' ' || last == '.') {
            return "has a segment ending in '" + last + "' (Windows drops it, so two names could meet on disk)";
        }
        String stem = segment.contains(".") ? segment.substring(0, segment.indexOf('.')) : segment;
        if (WINDOWS_DEVICES.matcher(stem.strip()).matches()) {
            return "has a Windows device name segment '" + segment + "'";
        }
        String compat = Normalizer.normalize(segment, Normalizer.Form.NFKC);
        if (!compat.equals(segment) && (compat.equals(".") || compat.equals("..") || compat.contains("/")
                || compat.contains("\\") || compat.contains(":"))) {
            return "has a segment '" + segment + "' that normalises to '" + compat + "'";
        }
        return null;
    }

    /**
     * A note for the join prompt on a name that is written but deserves a look first, or null: build, install and
     * CI files (they run commands when the user builds, tests or installs) and hidden files (file managers and
     * {@code ls} do not show them). Names that break a rule ({@link #nameProblem}) are not cautioned: they are
     * never written.
     */
    public static String caution(String name) {
        String[] segments = name.split("/");
        String file = segments[segments.length - 1].toLowerCase(Locale.ROOT);
        if (BUILD_FILES.contains(file) || name.toLowerCase(Locale.ROOT).startsWith(".github/workflows/")
                || Arrays.stream(segments).anyMatch(s -> s.equalsIgnoreCase(".mvn") || s.equalsIgnoreCase(".cargo"))) {
            return "runs commands when you build, test or install";
        }
        for (String segment : segments) {
            if (segment.startsWith(".")) {
                return "hidden";
            }
        }
        return null;
    }

    /**
     * The local path of document {@code name} under {@code base}, checked by every rule.
     *
     * @throws UnsafeNameException naming the broken rule (also when an existing ancestor cannot be resolved)
     */
    public static Path resolve(Path base, String name) throws UnsafeNameException {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new UnsafeNameException(name, problem);
        }
        Path absBase = base.toAbsolutePath().normalize();
        Path p = absBase;
        for (String segment : name.split("/")) {
            p = p.resolve(segment);
        }
        if (!p.normalize().startsWith(absBase) || p.normalize().equals(absBase)) {
            throw new UnsafeNameException(name, "document name '" + name + "' escapes the folder " + absBase);
        }
        if (Files.isSymbolicLink(p)) {
            throw new UnsafeNameException(name, "'" + name + "' is a symbolic link here; Weft does not write "
                    + "through it");
        }
        // The deepest existing ancestor of the base decides where the base really is; of the file, where it goes.
        Path realBase;
        Path realTarget;
        try {
            realBase = realExisting(absBase);
            realTarget = realExisting(p);
        } catch (IOException e) {
            throw new UnsafeNameException(name, "cannot resolve where '" + name + "' leads (a broken symbolic "
                    + "link?): " + e.getMessage());
        }
        if (!realTarget.startsWith(realBase)) {
            throw new UnsafeNameException(name, "'" + name + "' leads through a symbolic link out of " + absBase
                    + " (to " + realTarget + ")");
        }
        return p;
    }

    /** The real path of {@code p}'s deepest existing ancestor (itself included), with the rest appended. */
    private static Path realExisting(Path p) throws IOException {
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        return existing.toRealPath().resolve(existing.relativize(p)).normalize();
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 80 ? b + "…" : b.toString();
    }
}
