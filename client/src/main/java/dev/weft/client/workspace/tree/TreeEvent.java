package dev.weft.client.workspace.tree;

import dev.weft.client.paths.BadPathException;
import dev.weft.client.paths.PathValidator;
import java.util.Comparator;
import java.util.Objects;

/**
 * One line of the tree log: a last-writer-wins write to one register of one file. Immutable.
 *
 * <pre>
 * P &lt;TAB&gt; fileId &lt;TAB&gt; lamport &lt;TAB&gt; agent &lt;TAB&gt; kind(t|b) &lt;TAB&gt; path     the file lives at path
 * B &lt;TAB&gt; fileId &lt;TAB&gt; lamport &lt;TAB&gt; agent &lt;TAB&gt; sha256                     binary content is that blob
 * D &lt;TAB&gt; fileId &lt;TAB&gt; lamport &lt;TAB&gt; agent &lt;TAB&gt; seen                       the file is deleted
 * </pre>
 *
 * <p>Events are ordered by {@link #ORDER}: (lamport, agent, op, value) — a total order, so every peer picks the
 * same winner whatever order it read the lines in.
 *
 * @param op      which register: {@link Op#PATH}, {@link Op#BLOB} or {@link Op#DELETE}
 * @param fileId  the stable file id (16 hex digits)
 * @param lamport the writer's Lamport clock: above every lamport it had seen
 * @param agent   the writer's agent id (breaks lamport ties)
 * @param kind    {@link Op#PATH} only: the file's kind; else null
 * @param value   {@link Op#PATH}: the path; {@link Op#BLOB}: the blob's SHA-256; {@link Op#DELETE}: the version
 *                of the text document the deleter had seen, {@code agent:nextSeq} pairs joined by {@code ,}
 *                ({@code -} if none): a peer holding edits it does not cover restores the file
 */
public record TreeEvent(Op op, String fileId, long lamport, long agent, FileKind kind, String value) {
    /** Total order used for last-writer-wins. */
    public static final Comparator<TreeEvent> ORDER = Comparator.comparingLong(TreeEvent::lamport)
            .thenComparingLong(TreeEvent::agent).thenComparing(TreeEvent::op).thenComparing(TreeEvent::value);

    private static final java.util.regex.Pattern SEEN = java.util.regex.Pattern.compile("-|[0-9]+:[0-9]+(,[0-9]+:[0-9]+)*");

    /** The register an event writes. */
    public enum Op {
        PATH, BLOB, DELETE
    }

    /**
     * @throws MalformedTreeLineException if a field is out of its domain
     */
    public TreeEvent {
        Objects.requireNonNull(op, "op");
        if (fileId == null || !TreeNames.FILE_ID.matcher(fileId).matches()) {
            throw new MalformedTreeLineException("bad file id '" + fileId + "'");
        }
        if (lamport < 0 || agent < 0) {
            throw new MalformedTreeLineException("negative lamport or agent");
        }
        switch (op) {
            case PATH -> {
                Objects.requireNonNull(kind, "kind");
                try {
                    PathValidator.validate(value);
                } catch (BadPathException e) {
                    throw new MalformedTreeLineException("bad path: " + e.getMessage());
                }
                if (TreeNames.isReserved(value)) {
                    throw new MalformedTreeLineException("reserved path '" + value + "'");
                }
            }
            case BLOB -> {
                if (value == null || !TreeNames.SHA256.matcher(value).matches()) {
                    throw new MalformedTreeLineException("bad blob hash '" + value + "'");
                }
            }
            case DELETE -> {
                if (value == null || !SEEN.matcher(value).matches()) {
                    throw new MalformedTreeLineException("bad seen version '" + value + "'");
                }
            }
        }
    }

    public static TreeEvent path(String fileId, long lamport, long agent, FileKind kind, String path) {
        return new TreeEvent(Op.PATH, fileId, lamport, agent, kind, path);
    }

    public static TreeEvent blob(String fileId, long lamport, long agent, String sha256) {
        return new TreeEvent(Op.BLOB, fileId, lamport, agent, null, sha256);
    }

    public static TreeEvent delete(String fileId, long lamport, long agent, dev.weft.crdt.model.VersionVector seen) {
        return new TreeEvent(Op.DELETE, fileId, lamport, agent, null, encodeSeen(seen));
    }

    /** {@code agent:nextSeq,…} ascending by agent, or {@code -} for the empty version. */
    public static String encodeSeen(dev.weft.crdt.model.VersionVector v) {
        if (v == null || v.size() == 0) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(v.asMap()).forEach((a, n) -> b.append(b.length() == 0 ? "" : ",").append(a)
                .append(':').append(n));
        return b.toString();
    }

    /** The version a {@link Op#DELETE} event carries. */
    public dev.weft.crdt.model.VersionVector seen() {
        if (op != Op.DELETE || value.equals("-")) {
            return dev.weft.crdt.model.VersionVector.EMPTY;
        }
        java.util.Map<Long, Long> m = new java.util.HashMap<>();
        for (String pair : value.split(",")) {
            int c = pair.indexOf(':');
            m.put(Long.parseLong(pair.substring(0, c)), Long.parseLong(pair.substring(c + 1)));
        }
        return dev.weft.crdt.model.VersionVector.of(m);
    }

    /** The line, with its trailing newline. */
    public String toLine() {
        String head = switch (op) {
            case PATH -> "P";
            case BLOB -> "B";
            case DELETE -> "D";
        };
        StringBuilder b = new StringBuilder(head).append('\t').append(fileId).append('\t').append(lamport)
                .append('\t').append(agent);
        if (op == Op.PATH) {
            b.append('\t').append(kind.code).append('\t').append(value);
        } else {
            b.append('\t').append(value);
        }
        return b.append('\n').toString();
    }

    /**
     * Parses one line (without its newline).
     *
     * @throws MalformedTreeLineException naming what is wrong
     */
    public static TreeEvent parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length < 4) {
            throw new MalformedTreeLineException("tree line has " + f.length + " fields: '" + line + "'");
        }
        long lamport;
        long agent;
        try {
            lamport = Long.parseLong(f[2]);
            agent = Long.parseLong(f[3]);
        } catch (NumberFormatException e) {
            throw new MalformedTreeLineException("bad lamport or agent in '" + line + "'");
        }
        return switch (f[0]) {
            case "P" -> {
                requireFields(f, 6, line);
                yield path(f[1], lamport, agent, FileKind.of(f[4]), f[5]);
            }
            case "B" -> {
                requireFields(f, 5, line);
                yield blob(f[1], lamport, agent, f[4]);
            }
            case "D" -> {
                requireFields(f, 5, line);
                yield new TreeEvent(Op.DELETE, f[1], lamport, agent, null, f[4]);
            }
            default -> throw new MalformedTreeLineException("unknown tree op '" + f[0] + "'");
        };
    }

    private static void requireFields(String[] f, int n, String line) {
        if (f.length != n) {
            throw new MalformedTreeLineException("tree line '" + f[0] + "' needs " + n + " fields, has " + f.length
                    + ": '" + line + "'");
        }
    }
}
