package dev.weft.client.cli;

import dev.weft.client.SharedDocument;
import dev.weft.client.workspace.tree.ResolvedFile;
import dev.weft.client.workspace.tree.TreeNames;
import dev.weft.client.workspace.tree.TreeResolver;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

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
        SharedDocument d = session.open(doc);
        try {
            RelaySession.await(d.firstSync(), timeout, session, "no sync reply for '" + doc + "' within "
                    + timeout.toSeconds() + " s");
            return RelaySession.await(d.call(t -> t.getText()), timeout, session, "timeout reading '" + doc + "'");
        } finally {
            d.close();
        }
    }
}
