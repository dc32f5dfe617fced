package dev.weft.lsp.session;

import dev.weft.client.git.Attribution;
import dev.weft.client.git.GitRepo;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code weft.blame}: for each line of a shared file's current text, the authors of its uncommitted characters
 * ({@code docs/git.md}, "Authorship"; the same answer as {@code bin/weft blame}).
 */
final class BlameFeature {
    private final CurrentRoom room;

    BlameFeature(CurrentRoom room) {
        this.room = room;
    }

    /** Runs on the session thread. */
    WeftProtocol.BlameResult blame(WeftProtocol.UriArgs args) throws Exception {
        if (args == null || args.uri == null || args.uri.isBlank()) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, WeftProtocol.BLAME + " needs {\"uri\"}");
        }
        WorkspaceRoom ws = Authorship.workspaceOf(room.get(), WeftProtocol.BLAME);
        WorkspaceRoom.Root root = Authorship.roots(ws, args.uri).get(0);
        Path file = Authorship.path(args.uri);
        Attribution a;
        try (GitRepo repo = Authorship.repo(root.dir())) {
            String head = repo.headText(repo.relative(file));
            a = Authorship.files(root, Authorship.log(ws)).attribution(file, head == null ? "" : head);
        }
        if (a == null) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, args.uri + " is not a shared text file");
        }
        WeftProtocol.BlameResult res = new WeftProtocol.BlameResult();
        res.uri = args.uri;
        List<List<String>> authors = a.lineAuthors();
        for (int i = 0; i < authors.size(); i++) {
            res.lines.add(new WeftProtocol.BlameLine(i, authors.get(i)));
        }
        return res;
    }
}
