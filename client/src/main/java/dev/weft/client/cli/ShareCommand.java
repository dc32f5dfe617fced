package dev.weft.client.cli;

import com.google.gson.JsonObject;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RoomApi;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code weft share DIR --relay URL}: creates a room, shares DIR, prints one JSON line with the room and its links
 * once the initial upload is durable, and mirrors DIR ↔ room until SIGINT/SIGTERM.
 */
final class ShareCommand {
    private final Args args;
    private final Path dir;
    /** {@code --branches}: branch-scoped sessions ({@code docs/git.md}, "Branches"). */
    private final boolean branches;
    /** True with --direct: direct links beside the relay. */
    private final boolean direct;

    ShareCommand(List<String> argv, boolean direct) {
        this.direct = direct;
        this.args = Args.parse(argv, Set.of("relay", "timeout", "name", "email"), Set.of("branches"));
        this.branches = args.has("branches");
        this.dir = FolderSession.directory(args.words(), "share");
    }

    int run(PrintStream out, PrintStream err) throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new WeftCli.CliFailure("not a directory: " + dir);
        }
        URI relay = RelaySession.relayUri(args.required("relay"));
        Duration timeout = RelaySession.timeout(args, 600);
        RoomCredentials room = new RoomApi(relay).createRoom();
        InviteLink link = new InviteLink(relay, room.room(), room.secret());
        InviteLink readOnly = new InviteLink(relay, room.room(), room.readOnlySecret());
        err.println("weft share: room " + room.room() + " created; sharing " + dir);
        FolderSession.Running running = FolderSession.start(link, dir, timeout, err, "share", direct,
                GitFolder.identity(dir, args), branches);
        JsonObject json = new JsonObject();
        json.addProperty("room", room.room());
        json.addProperty("secret", room.secret());
        json.addProperty("readOnlySecret", room.readOnlySecret());
        json.addProperty("link", link.format());
        json.addProperty("readOnlyLink", readOnly.format());
        out.println(json);
        out.flush();
        running.runUntilSignal();
        return 0;
    }
}
