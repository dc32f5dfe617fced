package dev.weft.client.workspace.tree;

import dev.weft.client.paths.PathValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Resolves a set of tree events into the files every peer must have. A pure function of the <em>set</em> of
 * events: the order in which lines sit in the log (which differs between peers while concurrent appends settle)
 * never matters, so all peers that have seen the same events agree.
 *
 * <p>Per file id, three last-writer-wins registers, each the {@link TreeEvent#ORDER}-greatest event of its op:
 *
 * <table>
 * <caption>Decision table for one file id</caption>
 * <tr><th>latest PATH</th><th>latest DELETE</th><th>result</th></tr>
 * <tr><td>none</td><td>any</td><td>not a file (a blob or delete without a path is ignored)</td></tr>
 * <tr><td>p</td><td>none</td><td>live at p</td></tr>
 * <tr><td>p</td><td>d, d &lt; p</td><td>live at p (a rename or restore after the delete)</td></tr>
 * <tr><td>p</td><td>d, d &gt; p</td><td>deleted; {@link Resolution#lastPaths()} keeps p and
 *     {@link Resolution#deletes()} d for a restore</td></tr>
 * </table>
 *
 * <p>Path conflicts between live files (equal {@link PathValidator#caseFoldKey case-folded} paths, or a file
 * named like another file's directory): files are taken in the order of their winning PATH event (then file id);
 * the first claim keeps the path, each later one gets {@code stem (k).ext} with the smallest free k ≥ 2.
 */
public final class TreeResolver {
    private static final Logger LOG = Logger.getLogger(TreeResolver.class.getName());

    private TreeResolver() {
    }

    /** The resolved tree. Immutable after construction. */
    public record Resolution(Map<String, ResolvedFile> live, Map<String, String> lastPaths,
                             Map<String, TreeEvent> deletes, long maxLamport, int events) {
        /** Live files by their effective path. */
        public Map<String, ResolvedFile> byPath() {
            Map<String, ResolvedFile> m = new TreeMap<>();
            for (ResolvedFile f : live.values()) {
                m.put(f.path(), f);
            }
            return m;
        }
    }

    /** Parses the tree document's text (malformed lines and a trailing partial line are skipped). */
    public static List<TreeEvent> parse(String text) {
        List<TreeEvent> events = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                break; // a line still being appended is not an event yet
            }
            String line = text.substring(start, nl);
            start = nl + 1;
            if (line.isEmpty()) {
                continue;
            }
            try {
                events.add(TreeEvent.parse(line));
            } catch (MalformedTreeLineException e) {
                LOG.warning("skipping tree line: " + e.getMessage());
            }
        }
        return events;
    }

    public static Resolution resolve(String treeText) {
        return resolve(parse(treeText));
    }

    public static Resolution resolve(Iterable<TreeEvent> events) {
        Map<String, TreeEvent> paths = new HashMap<>();
        Map<String, TreeEvent> blobs = new HashMap<>();
        Map<String, TreeEvent> deletes = new HashMap<>();
        long maxLamport = 0;
        int count = 0;
        for (TreeEvent e : events) {
            count++;
            maxLamport = Math.max(maxLamport, e.lamport());
            Map<String, TreeEvent> register = switch (e.op()) {
                case PATH -> paths;
                case BLOB -> blobs;
                case DELETE -> deletes;
            };
            register.merge(e.fileId(), e, (a, b) -> TreeEvent.ORDER.compare(a, b) >= 0 ? a : b);
        }
        List<TreeEvent> alive = new ArrayList<>();
        Map<String, String> lastPaths = new HashMap<>();
        for (TreeEvent p : paths.values()) {
            lastPaths.put(p.fileId(), p.value());
            TreeEvent d = deletes.get(p.fileId());
            if (d == null || TreeEvent.ORDER.compare(p, d) > 0) {
                alive.add(p);
            }
        }
        alive.sort(TreeEvent.ORDER.thenComparing(TreeEvent::fileId));
        Set<String> dirKeys = new HashSet<>();
        for (TreeEvent p : alive) {
            String path = p.value();
            for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
                dirKeys.add(PathValidator.caseFoldKey(path.substring(0, i)));
            }
        }
        Set<String> used = new HashSet<>();
        Map<String, ResolvedFile> live = new HashMap<>();
        List<TreeEvent> losers = new ArrayList<>();
        for (TreeEvent p : alive) {
            String key = PathValidator.caseFoldKey(p.value());
            if (!dirKeys.contains(key) && used.add(key)) {
                live.put(p.fileId(), file(p, p.value(), blobs));
            } else {
                losers.add(p);
            }
        }
        for (TreeEvent p : losers) {
            for (int k = 2; ; k++) {
                String candidate = derivedName(p.value(), k);
                String key = PathValidator.caseFoldKey(candidate);
                if (PathValidator.isValid(candidate) && !dirKeys.contains(key) && used.add(key)) {
                    live.put(p.fileId(), file(p, candidate, blobs));
                    break;
                }
            }
        }
        Map<String, TreeEvent> winningDeletes = new HashMap<>();
        deletes.forEach((id, d) -> {
            if (!live.containsKey(id)) {
                winningDeletes.put(id, d);
            }
        });
        return new Resolution(Map.copyOf(live), Map.copyOf(lastPaths), Map.copyOf(winningDeletes), maxLamport,
                count);
    }

    /** {@code dir/name.ext} → {@code dir/name (k).ext}; a leading dot is part of the name ({@code .bashrc (2)}). */
    public static String derivedName(String path, int k) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash + 1);
        String base = path.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        String ext = dot > 0 ? base.substring(dot) : "";
        return dir + stem + " (" + k + ")" + ext;
    }

    private static ResolvedFile file(TreeEvent p, String path, Map<String, TreeEvent> blobs) {
        TreeEvent b = blobs.get(p.fileId());
        return new ResolvedFile(p.fileId(), path, p.value(), p.kind(), b == null ? null : b.value(), p);
    }

    /** Orders files for listings: by effective path. */
    public static final Comparator<ResolvedFile> BY_PATH = Comparator.comparing(ResolvedFile::path);
}
