package dev.weft.client.cli;

import com.google.gson.JsonObject;
import dev.weft.client.relay.RoomApi;
import dev.weft.client.invite.RoomCredentials;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Set;

/** {@code weft create-room --relay URL}: one JSON line with the new room's id and secrets. */
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
        out.println(json);
        out.flush();
        return 0;
    }
}
