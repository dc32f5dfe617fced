package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-address limit on {@code POST /api/rooms}, against a real relay process. Requests go over plain sockets so
 * the test can choose the client address (any 127.x.y.z reaches the relay on 127.0.0.1 on Linux) and read
 * Retry-After.
 */
class RelayRoomCreationLimitTest {
    @TempDir
    Path tmp;

    /** Status, headers (lower-case names) and body of one HTTP/1.1 response; immutable. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    @Test
    void roomCreationOverTheBurstGets429WithRetryAfterAndCreatesNothing() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp, "--room-create-burst", "3", "--room-create-rate", "1")) {
            RoomCredentials first = relay.createRoom();
            relay.createRoom();
            relay.createRoom();

            Answer refused = postRoom(relay, "127.0.0.1");
            assertThat(refused.status()).isEqualTo(429);
            // 1 room per minute and the burst just spent: the next token is at most a minute away.
            long retryAfter = Long.parseLong(refused.headers().get("retry-after"));
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(refused.headers().get("content-type")).startsWith("application/json");
            assertThat(refused.body()).isEqualTo(
                    "{\"error\":\"too many rooms created from this address; retry in " + retryAfter + " s\"}");

            Answer otherAddress = postRoom(relay, "127.0.0.2");
            assertThat(otherAddress.status()).as("another client address is not limited: %s", otherAddress)
                    .isEqualTo(201);

            try (WeftTestClient c = JavaWeftClient.connect(relay.url())) {
                c.join(first, first.secret(), 1, "ann"); // a room created before the limit still works
            }
            String metrics = RelayProcess.Http.get(relay.url() + "/metrics").body();
            assertThat(RelayEndToEndTest.metricValue(metrics, "weft_room_create_rejected_total")).isEqualTo(1);
            assertThat(RelayEndToEndTest.metricValue(metrics, "weft_rooms_created_total")).isEqualTo(4);
            assertThat(relay.log()).containsPattern(
                    "\"level\":\"WARNING\".*\"event\":\"room.create_limited\".*\"address\":\"127.0.0.1\"");

            // Nothing was stored for the refused request: after a restart the store holds exactly four rooms.
            relay.restart();
            String afterRestart = RelayProcess.Http.get(relay.url() + "/metrics").body();
            assertThat(RelayEndToEndTest.metricValue(afterRestart, "weft_rooms_stored")).isEqualTo(4);
        }
    }

    @Test
    void roomCreationRefillsAfterTheRateAllows() throws Exception {
        // One room per second, no burst beyond one: a refused client may create again after Retry-After (1 s).
        try (RelayProcess relay = RelayProcess.start(tmp, "--room-create-burst", "1", "--room-create-rate", "60")) {
            relay.createRoom();
            Answer refused = null;
            // Requests normally follow each other well within the second the next token takes; on a very slow
            // machine one may find the token refilled, so ask until refused instead of assuming a speed.
            for (int i = 0; i < 50 && refused == null; i++) {
                Answer a = postRoom(relay, "127.0.0.1");
                if (a.status() == 429) {
                    refused = a;
                } else {
                    assertThat(a.status()).isEqualTo(201);
                }
            }
            assertThat(refused).as("50 requests at more than one per second, none refused").isNotNull();
            long retryAfter = Long.parseLong(refused.headers().get("retry-after"));
            assertThat(retryAfter).isEqualTo(1);
            // Retry-After is rounded up from the exact wait, so waiting it (plus scheduling slack) must suffice.
            Thread.sleep(retryAfter * 1000 + 50);
            Answer again = postRoom(relay, "127.0.0.1");
            assertThat(again.status()).as("after Retry-After: %s", again).isEqualTo(201);
            assertThat(again.body()).contains("\"room\":");
        }
    }

    /** {@code POST /api/rooms} from local address {@code from}, one request per connection. */
    private static Answer postRoom(RelayProcess relay, String from) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/rooms HTTP/1.1\r\nHost: 127.0.0.1:" + relay.port()
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8); // the relay closes after answering
            int headEnd = raw.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                throw new IOException("incomplete HTTP response: " + raw);
            }
            String[] lines = raw.substring(0, headEnd).split("\r\n");
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, raw.substring(headEnd + 4));
        }
    }
}
