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

    /** True if the room holds a shared folder. */
    static boolean isFolder(RelaySession session) {
        return session.welcome.docNames().contains(TreeNames.TREE);
    }

    /** The room's live files by path. */
    static Map<String, ResolvedFile> files(RelaySession session, Duration timeout) throws InterruptedException {
        String text = read(session, TreeNames.TREE, timeout);
        return TreeResolver.resolve(text).byPath();
    }

    /** The bytes of the file at {@code path}. */
    static byte[] content(RelaySession session, ResolvedFile f, Duration timeout) throws InterruptedException {
        if (f.kind() == dev.weft.client.workspace.tree.FileKind.TEXT) {
            return read(session, TreeNames.textDoc(f.fileId()), timeout)
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
