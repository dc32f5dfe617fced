package dev.weft.client.git;

import dev.weft.client.workspace.tree.TreeNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The room's branch log, document {@value TreeNames#BRANCHES} ({@code docs/git.md}, "Branches"): where each folder
 * peer's working copy is. Append-only, one line per move:
 *
 * <pre>
 * H &lt;TAB&gt; session(hex) &lt;TAB&gt; branch &lt;TAB&gt; commit &lt;TAB&gt; name     the session is on branch at commit
 * </pre>
 *
 * {@code branch} is {@value #NOWHERE} when the session left (stopped, or HEAD detached); {@code commit} is
 * {@value #NOWHERE} before the first commit. The last line of a session wins. Lines still arriving and malformed
 * lines are skipped. Immutable once parsed.
 */
public final class BranchLog {
    /** No branch (left, or detached HEAD) or no commit. */
    public static final String NOWHERE = "-";

    /** Where a session is. {@code branch} and {@code commit} are null for {@value #NOWHERE}. */
    public record Place(String branch, String commit, String name) {
    }

    /** Each session's last place, in order of first appearance; immutable after parsing. */
    private final Map<Long, Place> places = new LinkedHashMap<>();

    private BranchLog() {
    }

    /** Parses the log's text. Never throws for bad lines. */
    public static BranchLog parse(String text) {
        BranchLog log = new BranchLog();
        int at = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; at = nl + 1, nl = text.indexOf('\n', at)) {
            String[] f = text.substring(at, nl).split("\t", -1);
            if (f.length != 5 || !f[0].equals("H")) {
                continue;
            }
            try {
                log.places.put(Long.parseUnsignedLong(f[1], 16), new Place(orNull(f[2]), orNull(f[3]), f[4]));
            } catch (NumberFormatException e) {
                // not a session: skipped like any malformed line
            }
        }
        return log;
    }

    private static String orNull(String field) {
        return field.equals(NOWHERE) || field.isEmpty() ? null : field;
    }

    /** Each session's last place. */
    public Map<Long, Place> places() {
        return java.util.Collections.unmodifiableMap(places);
    }

    /** The line saying that {@code session} ({@code name}) is now on {@code branch} at {@code commit} (nulls: none). */
    public static String line(long session, String branch, String commit, String name) {
        return "H\t" + Long.toHexString(session) + "\t" + clean(branch) + "\t" + clean(commit) + "\t"
                + name.replace('\t', ' ').replace('\n', ' ') + "\n";
    }

    private static String clean(String field) {
        return field == null || field.isEmpty() ? NOWHERE : field.replace('\t', ' ').replace('\n', ' ');
    }
}
