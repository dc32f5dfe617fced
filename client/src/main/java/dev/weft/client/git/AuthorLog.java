package dev.weft.client.git;

import dev.weft.client.workspace.Workspace;
import dev.weft.crdt.model.IdSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The room's authors log, document {@value #DOC} ({@code docs/git.md}, "Identity"): an append-only text, one
 * line per fact, so it survives its writers going offline and merges like any shared text.
 *
 * <pre>
 * S &lt;TAB&gt; session(hex) &lt;TAB&gt; name &lt;TAB&gt; email                  session's replicas belong to this person
 * X &lt;TAB&gt; session(hex) &lt;TAB&gt; fileId &lt;TAB&gt; agent:start-end,…      that session deleted these ids of the file
 * </pre>
 *
 * A session is the high bits of a workspace's agents ({@link Workspace#sessionOf}); agents and seqs are written in
 * lowercase hex, ranges are {@code [start, end)}. Lines still arriving (no newline) and malformed lines are
 * skipped; the first {@code S} line of a session wins. Immutable once parsed.
 */
public final class AuthorLog {
    private static final Logger LOG = Logger.getLogger(AuthorLog.class.getName());
    /** The room document holding the log. */
    public static final String DOC = ".weft/authors";

    /** Identity of each session; immutable after parsing. */
    private final Map<Long, GitIdentity> sessions = new HashMap<>();
    /** fileId → agent → list of {start, end, session}; immutable after parsing. */
    private final Map<String, Map<Long, List<long[]>>> deletions = new HashMap<>();

    private AuthorLog() {
    }

    /** Parses the log's text. Never throws for bad lines. */
    public static AuthorLog parse(String text) {
        AuthorLog log = new AuthorLog();
        int at = 0;
        while (true) {
            int nl = text.indexOf('\n', at);
            if (nl < 0) {
                break;   // the last line is still arriving
            }
            String line = text.substring(at, nl);
            at = nl + 1;
            try {
                log.add(line.split("\t", -1));
            } catch (RuntimeException e) {
                LOG.fine(() -> "authors log: skipped malformed line '" + line + "': " + e.getMessage());
            }
        }
        return log;
    }

    private void add(String[] f) {
        switch (f[0]) {
            case "S" -> {
                if (f.length != 4) {
                    throw new IllegalArgumentException("S needs 4 fields");
                }
                sessions.putIfAbsent(Long.parseUnsignedLong(f[1], 16), new GitIdentity(f[2], f[3]));
            }
            case "X" -> {
                if (f.length != 4) {
                    throw new IllegalArgumentException("X needs 4 fields");
                }
                long session = Long.parseUnsignedLong(f[1], 16);
                Map<Long, List<long[]>> byAgent = new HashMap<>();
                for (String r : f[3].split(",")) {
                    int colon = r.indexOf(':');
                    int dash = r.indexOf('-', colon);
                    long agent = Long.parseUnsignedLong(r.substring(0, colon), 16);
                    long start = Long.parseUnsignedLong(r.substring(colon + 1, dash), 16);
                    long end = Long.parseUnsignedLong(r.substring(dash + 1), 16);
                    if (end <= start) {
                        throw new IllegalArgumentException("empty range " + r);
                    }
                    byAgent.computeIfAbsent(agent, k -> new ArrayList<>()).add(new long[]{start, end, session});
                }
                Map<Long, List<long[]>> file = deletions.computeIfAbsent(f[2], k -> new HashMap<>());
                byAgent.forEach((a, l) -> file.computeIfAbsent(a, k -> new ArrayList<>()).addAll(l));
            }
            default -> throw new IllegalArgumentException("unknown kind '" + f[0] + "'");
        }
    }

    /** The person who typed with {@code agent} (a workspace replica's agent), or null if no session names it. */
    public GitIdentity identityOfAgent(long agent) {
        return sessions.get(Workspace.sessionOf(agent));
    }

    /** The person behind a session, or null. */
    public GitIdentity identityOfSession(long session) {
        return sessions.get(session);
    }

    /** The sessions that deleted id {@code (agent, seq)} of file {@code fileId} (several if concurrent); maybe empty. */
    public Set<Long> deleters(String fileId, long agent, long seq) {
        Set<Long> out = new HashSet<>();
        Map<Long, List<long[]>> file = deletions.get(fileId);
        List<long[]> ranges = file == null ? null : file.get(agent);
        if (ranges != null) {
            for (long[] r : ranges) {
                if (seq >= r[0] && seq < r[1]) {
                    out.add(r[2]);
                }
            }
        }
        return out;
    }

    /** The {@code S} line for a session. */
    public static String sessionLine(long session, GitIdentity who) {
        return "S\t" + Long.toHexString(session) + "\t" + who.name() + "\t" + who.email() + "\n";
    }

    /** The {@code X} line for ids a session deleted in a file; empty for an empty set. */
    public static String deletionLine(long session, String fileId, IdSet ids) {
        if (ids.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("X\t").append(Long.toHexString(session)).append('\t').append(fileId)
                .append('\t');
        boolean[] first = {true};
        ids.forEachRange((agent, start, end) -> {
            if (!first[0]) {
                sb.append(',');
            }
            first[0] = false;
            sb.append(Long.toHexString(agent)).append(':').append(Long.toHexString(start)).append('-')
                    .append(Long.toHexString(end));
        });
        return sb.append('\n').toString();
    }
}
