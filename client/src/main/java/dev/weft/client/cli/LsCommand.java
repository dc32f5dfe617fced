package dev.weft.client.cli;

import dev.weft.client.workspace.FolderScanner;
import dev.weft.client.workspace.IgnoreRules;
import dev.weft.client.workspace.Workspace;
import dev.weft.client.workspace.tree.ResolvedFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code weft ls --link LINK}: the room's paths, one per line ({@code --long}: kind and file id too).
 * {@code weft ls DIR}: what sharing DIR would share, then what it leaves out and why (lines starting with {@code #}).
 */
final class LsCommand {
    private final Args args;
    private final List<String> words;

    LsCommand(List<String> argv) {
        this.args = Args.parse(argv, Set.of("relay", "room", "secret", "link", "timeout", "branch"),
                Set.of("long"));
        this.words = args.words();
    }

    int run(PrintStream out) throws Exception {
        if (!words.isEmpty()) {
            return local(out, FolderSession.directory(words, "ls"));
        }
        Duration timeout = RelaySession.timeout(args, 30);
        try (RelaySession session = RelaySession.connect(args, timeout)) {
            if (!RoomTree.isFolder(session)) {
                for (String name : session.welcome.docNames()) {
                    out.println(name);
                }
                return 0;
            }
            RoomTree.Namespace ns = RoomTree.Namespace.of(session, args.optional("branch"));
            for (Map.Entry<String, ResolvedFile> e : RoomTree.files(session, ns, timeout).entrySet()) {
                ResolvedFile f = e.getValue();
                out.println(args.has("long") ? f.kind().name().toLowerCase() + "\t" + f.fileId() + "\t" + e.getKey()
                        : e.getKey());
            }
            out.flush();
            return 0;
        }
    }

    private int local(PrintStream out, Path dir) throws Exception {
        FolderScanner.Scan scan = new FolderScanner(dir, () -> IgnoreRules.load(dir),
                Workspace.DEFAULT_MAX_FILE_BYTES).scan();
        scan.shared().keySet().forEach(out::println);
        for (String line : IgnoreRules.describe(scan.excluded(), Integer.MAX_VALUE)) {
            out.println("# left out: " + line);
        }
        out.flush();
        return 0;
    }
}
