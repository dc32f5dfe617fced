package dev.weft.client.relay;

import dev.weft.client.RelayException;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The relay's HTTP API on the same port as Socket.IO: room creation ({@code POST /api/rooms}). */
public final class RoomApi {
    /** The relay's base URL; immutable. */
    private final URI relay;
    /** Bound on connecting and on the whole request; immutable. */
    private final Duration timeout;
    /** Shared HTTP client; thread-safe. */
    private final HttpClient http;

    /** @throws MalformedInviteLinkException if {@code relay} is not an http(s) URL with a host */
    public RoomApi(URI relay, Duration timeout) {
        InviteLink.validateRelay(relay);
        this.relay = relay;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public RoomApi(URI relay) {
        this(relay, Duration.ofSeconds(10));
    }

    /**
     * Creates a room.
     *
     * @throws RelayUnreachableException if the relay cannot be reached
     * @throws RelayException            if it answers with an error status or an unexpected body
     */
    public RoomCredentials createRoom() {
        HttpRequest request = HttpRequest.newBuilder(resolve("api/rooms"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RelayUnreachableException("relay " + relay + " unreachable: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException("interrupted while creating a room", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new RelayException("relay " + relay + " refused to create a room: HTTP " + response.statusCode()
                    + " " + abbreviate(response.body()));
        }
        try {
            JsonElement json = JsonParser.parseString(response.body());
            if (!json.isJsonObject()) {
                throw new RelayException("relay answered POST /api/rooms with non-object JSON: "
                        + abbreviate(response.body()));
            }
            JsonObject o = json.getAsJsonObject();
            return new RoomCredentials(string(o, "room"), string(o, "secret"), string(o, "readOnlySecret"));
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new RelayException("relay answered POST /api/rooms with invalid JSON: "
                    + abbreviate(response.body()), e);
        }
    }

    /** {@code path} resolved against the relay base URL (a base path such as {@code /weft/} is kept). */
    URI resolve(String path) {
        String base = relay.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : " (" + m + ")");
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }
}
