package dev.weft.client.cli;

import com.google.gson.JsonObject;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RoomApi;
import dev.weft.client.invite.RoomCredentials;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * {@code weft create-room --relay URL}: one JSON line with the new room's id, its secrets and the two invite links
 * ({@code link} for editors, {@code readOnlyLink} for watchers) to send to collaborators.
 */
final class CreateRoomCommand {
    private final Args args;

    CreateRoomCommand(List<String> argv) {
        this.args = Args.parse(argv, Set.of("relay"));
    }

    int run(PrintStream out) {
        URI relay = RelaySession.relayUri(args.required("relay"));
        RoomCredentials room = new RoomApi(relay).createRoom();
        JsonObject json = new JsonObject();
        json.addProperty("room", room.room());
        json.addProperty("secret", room.secret());
        json.addProperty("readOnlySecret", room.readOnlySecret());
        json.addProperty("link", new InviteLink(relay, room.room(), room.secret()).format());
        json.addProperty("readOnlyLink", new InviteLink(relay, room.room(), room.readOnlySecret()).format());
        out.println(json);
        out.flush();
        return 0;
    }
}
