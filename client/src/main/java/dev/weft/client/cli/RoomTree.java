package dev.weft.client.cli;

import dev.weft.client.SharedDocument;
import dev.weft.crdt.TextDocument;
import dev.weft.client.workspace.tree.ResolvedFile;
import dev.weft.client.workspace.tree.TreeNames;
import dev.weft.client.workspace.tree.TreeResolver;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/** Reads a shared folder's tree and files through a {@link RelaySession} (for {@code ls} and {@code cat}). */
final class RoomTree {
    private RoomTree() {
    }

    /**
     * Where a folder's documents are: the room's own ({@link TreeNames#TREE}) or, in a branch-scoped room
     * ({@code docs/git.md}, "Branches"), one branch's namespace. Immutable.
     */
    record Namespace(String tree, String textPrefix) {
        static final Namespace ROOM = new Namespace(TreeNames.TREE, TreeNames.TEXT_PREFIX);

        static Namespace ofBranch(String branch) {
            return new Namespace(TreeNames.branchTree(branch), TreeNames.branchTextPrefix(branch));
        }

        /**
         * The namespace to read: {@code branch}'s in a branch-scoped room, the room's otherwise.
         *
         * @throws WeftCli.CliFailure if the room is branch-scoped and no branch was given
         */
        static Namespace of(RelaySession session, String branch) {
            if (!isBranchScoped(session)) {
                return ROOM;
            }
            if (branch == null) {
                throw new WeftCli.CliFailure("the room is branch-scoped: say which branch (--branch NAME)");
            }
            return ofBranch(branch);
        }
    }

    /** True if the room holds a shared folder (in its own namespace or in branches). */
    static boolean isFolder(RelaySession session) {
        return session.welcome.docNames().contains(TreeNames.TREE) || isBranchScoped(session);
    }

    /** True if the room's folders are per git branch ({@code docs/git.md}, "Branches"). */
    static boolean isBranchScoped(RelaySession session) {
        return session.welcome.docNames().contains(TreeNames.BRANCHES);
    }

    /** The room's live files by path. */
    static Map<String, ResolvedFile> files(RelaySession session, Duration timeout) throws InterruptedException {
        return files(session, Namespace.ROOM, timeout);
    }

    /** The live files of namespace {@code ns} by path (none if nobody shared that namespace). */
    static Map<String, ResolvedFile> files(RelaySession session, Namespace ns, Duration timeout)
            throws InterruptedException {
        if (!session.welcome.docNames().contains(ns.tree())) {
            return Map.of();
        }
        String text = read(session, ns.tree(), timeout);
        return TreeResolver.resolve(text).byPath();
    }

    /** The bytes of the file at {@code path}. */
    static byte[] content(RelaySession session, ResolvedFile f, Duration timeout) throws InterruptedException {
        return content(session, Namespace.ROOM, f, timeout);
    }

    /** The bytes of namespace {@code ns}'s file {@code f}. */
    static byte[] content(RelaySession session, Namespace ns, ResolvedFile f, Duration timeout)
            throws InterruptedException {
        if (f.kind() == dev.weft.client.workspace.tree.FileKind.TEXT) {
            return read(session, ns.textPrefix() + f.fileId(), timeout)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        if (f.blob() == null) {
            return new byte[0];
        }
        for (String line : read(session, TreeNames.blobDoc(f.blob()), timeout).split("\n")) {
            if (!line.isEmpty()) {
                return Base64.getDecoder().decode(line);
            }
        }
        throw new WeftCli.CliFailure("the blob of '" + f.path() + "' has not arrived at the relay");
    }

    static String read(RelaySession session, String doc, Duration timeout) throws InterruptedException {
        return query(session, doc, timeout, TextDocument::getText);
    }

    /**
     * Opens {@code doc}, waits for its first sync, applies {@code f} to the synced replica and closes it again.
     *
     * @throws WeftCli.CliFailure if the sync or the query does not finish within {@code timeout}
     */
    static <T> T query(RelaySession session, String doc, Duration timeout, Function<TextDocument, T> f)
            throws InterruptedException {
        SharedDocument d = session.open(doc);
        try {
            RelaySession.await(d.firstSync(), timeout, session, "no sync reply for '" + doc + "' within "
                    + timeout.toSeconds() + " s");
            return RelaySession.await(d.call(f), timeout, session, "timeout reading '" + doc + "'");
        } finally {
            d.close();
        }
    }
}
