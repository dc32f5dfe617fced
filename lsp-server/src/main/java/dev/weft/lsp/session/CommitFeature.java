package dev.weft.lsp.session;

import dev.weft.client.git.AuthorCommit;
import dev.weft.client.git.AuthorLog;
import dev.weft.client.git.GitIdentity;
import dev.weft.client.git.GitRepo;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code weft.commit}: commits the index of each shared folder's repository with one {@code Co-authored-by}
 * trailer per other participant whose changes are in the staged diff ({@code docs/git.md}, "Commit"; the same as
 * {@code bin/weft commit}). Author and committer come from the repository's git configuration.
 *
 * @param room the room the session is in, if any
 * @param authorship who this participant is in git terms and who typed what
 */
record CommitFeature(CurrentRoom room, Authorship authorship) {
    /** Runs on the session thread. */
    WeftProtocol.CommitResult commit(WeftProtocol.GitArgs args) throws Exception {
        if (args == null || args.message == null || args.message.isBlank()) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, WeftProtocol.COMMIT
                    + " needs {\"message\"} (not blank)");
        }
        Room r = room.get();
        WorkspaceRoom ws = Authorship.workspaceOf(r, WeftProtocol.COMMIT);
        GitIdentity me = authorship.identity(r);
        AuthorLog log = Authorship.log(ws);
        WeftProtocol.CommitResult res = new WeftProtocol.CommitResult();
        Set<Path> done = new HashSet<>();
        for (WorkspaceRoom.Root root : Authorship.roots(ws, args.uri)) {
            try (GitRepo repo = Authorship.repo(root.dir())) {
                if (!done.add(repo.workTree()) || repo.stagedPaths().isEmpty()) {
                    continue;
                }
                AuthorCommit.Committed c = AuthorCommit.commit(repo, args.message, Authorship.files(root, log), me);
                res.commits.add(c.id());
                for (String t : c.trailers()) {
                    if (!res.trailers.contains(t)) {
                        res.trailers.add(t);
                    }
                }
                res.problems.addAll(c.problems());
            }
        }
        if (res.commits.isEmpty()) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, "nothing is staged: stage your changes"
                    + " first (" + WeftProtocol.STAGE_MINE + ")");
        }
        return res;
    }
}
