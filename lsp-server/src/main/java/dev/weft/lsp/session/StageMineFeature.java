package dev.weft.lsp.session;

import dev.weft.client.git.AuthorCommit;
import dev.weft.client.git.AuthorLog;
import dev.weft.client.git.GitIdentity;
import dev.weft.client.git.GitRepo;
import dev.weft.lsp.customservice.WeftProtocol;

/**
 * {@code weft.stageMine}: puts into the git index exactly the changes this participant typed in the shared
 * folders, leaving everyone else's in the working tree ({@code docs/git.md}, "Stage mine"; the same as
 * {@code bin/weft stage --mine}).
 *
 * @param room the room the session is in, if any
 * @param authorship who this participant is in git terms and who typed what
 */
record StageMineFeature(CurrentRoom room, Authorship authorship) {
    /** Runs on the session thread. */
    WeftProtocol.StageResult stage(WeftProtocol.GitArgs args) throws Exception {
        Room r = room.get();
        WorkspaceRoom ws = Authorship.workspaceOf(r, WeftProtocol.STAGE_MINE);
        GitIdentity me = authorship.identity(r);
        AuthorLog log = Authorship.log(ws);
        WeftProtocol.StageResult res = new WeftProtocol.StageResult();
        res.as = me.toString();
        for (WorkspaceRoom.Root root : Authorship.roots(ws, args == null ? null : args.uri)) {
            try (GitRepo repo = Authorship.repo(root.dir())) {
                AuthorCommit.Staged s = AuthorCommit.stageMine(repo, Authorship.files(root, log), me);
                for (AuthorCommit.StagedFile f : s.staged()) {
                    WeftProtocol.StagedFile sf = new WeftProtocol.StagedFile();
                    sf.path = f.path();
                    sf.inserted = f.inserted();
                    sf.deleted = f.deleted();
                    res.staged.add(sf);
                }
                res.problems.addAll(s.problems());
            }
        }
        return res;
    }
}
