package dev.weft.client.cli;

import dev.weft.client.git.Attribution;
import dev.weft.client.git.AuthorLog;
import dev.weft.client.git.GitIdentity;
import dev.weft.client.git.GitRepo;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.workspace.tree.FileKind;
import dev.weft.client.workspace.tree.ResolvedFile;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.IdRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code weft blame}, {@code stage} and {@code commit} share: the folder peer's room link (remembered in
 * {@code <root>/.weft/link}, never shared), a connection to that room, and a file's {@link Attribution}.
 */
final class GitFolder implements AutoCloseable {
    static final String LINK_FILE = ".weft/link";

    final Path root;
    final RelaySession session;
    final Duration timeout;
    final AuthorLog log;
    final Map<String, ResolvedFile> files;
    /** Where the folder's documents are (in a branch-scoped room: the working copy's branch's). */
    final RoomTree.Namespace namespace;

    private GitFolder(Path root, RelaySession session, Duration timeout, AuthorLog log,
                      Map<String, ResolvedFile> files, RoomTree.Namespace namespace) {
        this.root = root;
        this.session = session;
        this.timeout = timeout;
        this.log = log;
        this.files = files;
        this.namespace = namespace;
    }

    /** Writes the link a folder peer uses into {@code <dir>/.weft/link}, readable by the owner only. */
    static void rememberLink(Path dir, InviteLink link) throws IOException {
        Path f = dir.resolve(LINK_FILE);
        Files.createDirectories(f.getParent());
        Files.writeString(f, link.format() + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the directory's default permissions
        }
    }

    /** The identity for {@code dir}, with {@code --name}/{@code --email} overriding git's configuration. */
    static GitIdentity identity(Path dir, Args args) {
        return GitIdentity.resolve(dir, args.optional("name"), args.optional("email"));
    }

    /** The nearest directory at or above {@code start} that a folder peer shared or joined. */
    static Path findRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(LINK_FILE))) {
                return p;
            }
        }
        throw new WeftCli.CliFailure(start + " is not in a folder shared with weft share/join (no " + LINK_FILE
                + " at or above it)");
    }

    /** Connects to the room of the folder at {@code root}; reads its tree and authors log. */
    static GitFolder connect(Path root, Duration timeout) throws IOException, InterruptedException {
        String link = Files.readString(root.resolve(LINK_FILE), StandardCharsets.UTF_8).strip();
        RelaySession session = RelaySession.connect(Args.parse(List.of("--link", link), RelaySession.DOC_OPTIONS),
                timeout);
        try {
            if (!RoomTree.isFolder(session)) {
                throw new WeftCli.CliFailure("the room of " + root + " holds no shared folder");
            }
            RoomTree.Namespace ns = RoomTree.Namespace.of(session,
                    RoomTree.isBranchScoped(session) ? checkedOutBranch(root) : null);
            Map<String, ResolvedFile> files = RoomTree.files(session, ns, timeout);
            AuthorLog log = AuthorLog.parse(session.welcome.docNames().contains(AuthorLog.DOC)
                    ? RoomTree.read(session, AuthorLog.DOC, timeout) : "");
            return new GitFolder(root, session, timeout, log, files, ns);
        } catch (RuntimeException | InterruptedException | IOException e) {
            session.close();
            throw e;
        }
    }

    /** The branch checked out at {@code root}, whose namespace a branch-scoped room's commands read. */
    private static String checkedOutBranch(Path root) throws IOException {
        try (GitRepo repo = GitRepo.open(root)) {
            String b = repo.branch();
            if (b == null) {
                throw new WeftCli.CliFailure(root + ": HEAD is detached, so no branch of the room applies");
            }
            return b;
        }
    }

    /** The room's runs of a text file. */
    List<IdRun> runs(ResolvedFile f) throws InterruptedException {
        if (f.kind() != FileKind.TEXT) {
            throw new WeftCli.CliFailure("'" + f.path() + "' is a binary file: no authorship by character");
        }
        return RoomTree.query(session, namespace.textPrefix() + f.fileId(), timeout, TextDocument::runs);
    }

    /** Attribution of a text file against {@code head} ({@code ""} if HEAD lacks it). */
    Attribution attribution(ResolvedFile f, String head) throws InterruptedException {
        return new Attribution(f.fileId(), head, runs(f), log);
    }

    @Override
    public void close() {
        session.close();
    }
}
