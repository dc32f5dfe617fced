package dev.weft.client.cli;

import com.google.gson.JsonObject;
import dev.weft.client.invite.InviteLink;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code weft join --link LINK DIR}: materialises the room into DIR (a different local file is kept beside as
 * {@code name.weft-local}), prints {@code {"synced":true,"files":N}} once in sync, and mirrors until
 * SIGINT/SIGTERM.
 */
final class JoinCommand {
    private final Args args;
    private final Path dir;
    /** True with --direct: direct links beside the relay. */
    private final boolean direct;

    JoinCommand(List<String> argv, boolean direct) {
        this.direct = direct;
        this.args = Args.parse(argv, Set.of("link", "timeout", "name", "email"), Set.of());
        this.dir = FolderSession.directory(args.words(), "join");
    }

    int run(PrintStream out, PrintStream err) throws Exception {
        InviteLink link = InviteLink.parse(args.required("link"));
        Duration timeout = RelaySession.timeout(args, 600);
        FolderSession.Running running = FolderSession.start(link, dir, timeout, err, "join", direct,
                GitFolder.identity(dir, args));
        JsonObject json = new JsonObject();
        json.addProperty("synced", true);
        json.addProperty("files", running.files);
        out.println(json);
        out.flush();
        running.runUntilSignal();
        return 0;
    }
}
