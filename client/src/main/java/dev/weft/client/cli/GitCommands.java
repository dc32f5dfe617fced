package dev.weft.client.cli;

import dev.weft.client.git.Attribution;
import dev.weft.client.git.GitIdentity;
import dev.weft.client.git.GitRepo;
import dev.weft.client.workspace.tree.FileKind;
import dev.weft.client.workspace.tree.ResolvedFile;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code weft blame DIR/FILE}, {@code weft stage --mine DIR}, {@code weft commit DIR -m MSG} ({@code docs/git.md}).
 * Each connects to the room of the folder peer that shared or joined the directory, reads what it needs, and
 * works on the git repository around it.
 */
final class GitCommands {
    private final String command;
    private final Args args;
    private final List<String> words;

    GitCommands(String command, List<String> argv) {
        this.command = command;
        this.args = Args.parse(shortM(argv), Set.of("timeout", "name", "email", "m"), Set.of("mine"));
        this.words = args.words();
    }

    /** {@code -m MSG} is short for {@code --m MSG}. */
    private static List<String> shortM(List<String> argv) {
        List<String> out = new ArrayList<>(argv);
        out.replaceAll(a -> a.equals("-m") ? "--m" : a);
        return out;
    }

    int run(PrintStream out, PrintStream err) throws Exception {
        if (words.size() != 1) {
            throw new UsageException(command + " needs exactly one path, got " + words.size());
        }
        Path target = Path.of(words.get(0)).toAbsolutePath().normalize();
        Duration timeout = RelaySession.timeout(args, 30);
        return switch (command) {
            case "blame" -> blame(target, timeout, out);
            case "stage" -> {
                if (!args.has("mine")) {
                    throw new UsageException("stage needs --mine (staging another participant's changes is not"
                            + " offered)");
                }
                yield stage(target, timeout, out, err);
            }
            default -> commit(target, timeout, out, err);
        };
    }

    private int blame(Path file, Duration timeout, PrintStream out) throws Exception {
        Path root = GitFolder.findRoot(file.getParent());
        String roomPath = root.relativize(file).toString().replace('\\', '/');
        try (GitRepo repo = GitRepo.open(root); GitFolder folder = GitFolder.connect(root, timeout)) {
            ResolvedFile f = folder.files.get(roomPath);
            if (f == null) {
                throw new WeftCli.CliFailure("the shared folder has no file '" + roomPath + "'");
            }
            String head = repo.headText(repo.relative(file));
            Attribution a = folder.attribution(f, head == null ? "" : head);
            String[] lines = a.text().split("\n", -1);
            List<List<String>> authors = a.lineAuthors();
            for (int i = 0; i < authors.size(); i++) {
                List<String> who = authors.get(i);
                out.println((i + 1) + "\t" + (who.isEmpty() ? "-" : String.join(",", who)) + "\t" + lines[i]);
            }
            out.flush();
            return 0;
        }
    }

    private int stage(Path dir, Duration timeout, PrintStream out, PrintStream err) throws Exception {
        Path root = GitFolder.findRoot(dir);
        GitIdentity me = GitFolder.identity(root, args);
        int staged = 0;
        int problems = 0;
        try (GitRepo repo = GitRepo.open(root); GitFolder folder = GitFolder.connect(root, timeout)) {
            for (Map.Entry<String, ResolvedFile> e : folder.files.entrySet()) {
                ResolvedFile f = e.getValue();
                if (f.kind() != FileKind.TEXT) {
                    continue;
                }
                Path file = root.resolve(e.getKey());
                String gitPath = repo.relative(file);
                String head = repo.headText(gitPath);
                Attribution a = folder.attribution(f, head == null ? "" : head);
                if (head != null && a.text().equals(head)) {
                    continue;
                }
                if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(a.text())) {
                    err.println("weft stage: " + e.getKey() + ": the file on disk differs from the room's text (is"
                            + " the folder peer running and in sync?); not staged");
                    problems++;
                    continue;
                }
                Attribution.Staged s = a.stage(me);
                for (String p : s.problems()) {
                    err.println("weft stage: " + e.getKey() + " " + p);
                    problems++;
                }
                if (s.inserted() + s.deleted() == 0) {
                    continue;
                }
                repo.stage(gitPath, s.text());
                out.println("staged\t" + gitPath + "\t+" + s.inserted() + "\t-" + s.deleted());
                staged++;
            }
        }
        err.println("weft stage: " + staged + " files staged as " + me + (problems == 0 ? ""
                : "; " + problems + " changes left unstaged (above)"));
        out.flush();
        return 0;
    }

    private int commit(Path dir, Duration timeout, PrintStream out, PrintStream err) throws Exception {
        String message = args.required("m");
        Path root = GitFolder.findRoot(dir);
        GitIdentity me = GitFolder.identity(root, args);
        Set<GitIdentity> others = new LinkedHashSet<>();
        try (GitRepo repo = GitRepo.open(root); GitFolder folder = GitFolder.connect(root, timeout)) {
            List<String> staged = repo.stagedPaths();
            if (staged.isEmpty()) {
                throw new WeftCli.CliFailure("nothing is staged in " + repo.workTree());
            }
            for (String gitPath : staged) {
                Path file = repo.workTree().resolve(gitPath);
                ResolvedFile f = file.startsWith(root) ? folder.files.get(root.relativize(file).toString()
                        .replace('\\', '/')) : null;
                String index = repo.indexText(gitPath);
                if (f == null || f.kind() != FileKind.TEXT || index == null) {
                    err.println("weft commit: " + gitPath + ": not a shared text file (or removed): its authors are"
                            + " not known; no trailer for it");
                    continue;
                }
                String head = repo.headText(gitPath);
                Attribution.Contributors c = folder.attribution(f, head == null ? "" : head).contributors(index);
                if (c.someUnknown()) {
                    err.println("weft commit: " + gitPath + ": some staged changes have no known author");
                }
                for (GitIdentity who : c.authors()) {
                    if (!who.samePerson(me)) {
                        others.add(who);
                    }
                }
            }
            StringBuilder msg = new StringBuilder(message.strip());
            List<String> trailers = new ArrayList<>();
            for (GitIdentity o : others) {
                if (o.email().isEmpty()) {
                    err.println("weft commit: " + o.name() + " has no e-mail in their git configuration: no"
                            + " Co-authored-by trailer");
                } else if (!trailers.contains(o.trailer())) {
                    trailers.add(o.trailer());
                }
            }
            if (!trailers.isEmpty()) {
                msg.append("\n\n").append(String.join("\n", trailers));
            }
            String id = repo.commit(msg.append('\n').toString());
            out.println(id);
            for (String t : trailers) {
                out.println(t);
            }
            out.flush();
            return 0;
        }
    }
}
