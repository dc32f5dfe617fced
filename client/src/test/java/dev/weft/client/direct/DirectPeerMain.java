package dev.weft.client.direct;

import dev.weft.client.SharedDocument;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.relay.RoomApi;
import dev.weft.crdt.TextDocument;
import dev.weft.client.testing.PeerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A relay member with direct links as its own process, driven over stdin/stdout by {@link DirectNatNetnsTest}. Args:
 * RELAY_URL ROOM SECRET READ_ONLY_SECRET (ROOM "-": create a room first). First line printed: the room's
 * credentials as {@code {"room":…,"secret":…,"readOnlySecret":…}} or {@code {"error":…}}. Commands (one reply line
 * each): {@code tokens N SEED PREFIX} (N unique tokens at the start or the end), {@code state}, {@code durable},
 * {@code metric NAME} (the relay's /metrics value), {@code relaycopy} (SHA-256 of the relay's copy, read by a fresh
 * plain connection), {@code text}.
 */
public final class DirectPeerMain {
    private DirectPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        URI relayUri = URI.create(args[0]);
        RoomCredentials room = args[1].equals("-") ? new RoomApi(relayUri).createRoom()
                : new RoomCredentials(args[1], args[2], args[3]);
        RelayClient relay = new RelayClient(RelayClient.Options.of(relayUri, room.room(), room.secret()));
        DirectChannel direct = DirectChannel.over(relay);
        try {
            relay.connect().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("{\"error\":\"" + e.getCause().getMessage().replace('"', '\'') + "\"}");
            direct.close();
            System.exit(0);
            return;
        }
        SharedDocument doc = SharedDocument.open(direct, "doc",
                new TextDocument(new Random().nextLong() & ((1L << 53) - 1)));
        doc.firstSync().get(30, TimeUnit.SECONDS);
        System.out.println("{\"room\":\"" + room.room() + "\",\"secret\":\"" + room.secret()
                + "\",\"readOnlySecret\":\"" + room.readOnlySecret() + "\"}");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient();
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ");
            String reply;
            switch (w[0]) {
                case "tokens" -> {
                    Random r = new Random(Long.parseLong(w[2]));
                    for (int i = 0; i < Integer.parseInt(w[1]); i++) {
                        String token = "<" + w[3] + "-" + i + ">";
                        boolean atStart = r.nextBoolean();
                        doc.edit(t -> t.insert(atStart ? 0 : t.length(), token)).join();
                        Thread.sleep(r.nextInt(4));
                    }
                    reply = "ok";
                }
                case "state" -> {
                    String text = doc.call(TextDocument::getText).join();
                    reply = "{\"len\":" + text.length() + ",\"sha\":\"" + PeerProcess.sha(text) + "\",\"direct\":"
                            + direct.directPeers().size() + ",\"sent\":" + direct.sentDirect() + ",\"received\":"
                            + direct.receivedDirect() + ",\"failed\":" + direct.failedSetups() + "}";
                }
                case "durable" -> reply = doc.awaitAllAcked(Duration.ofSeconds(30)) ? "ok" : "timeout";
                case "metric" -> {
                    String body = http.send(HttpRequest.newBuilder(relayUri.resolve("/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    reply = "none";
                    for (String m : body.split("\n")) {
                        if (m.startsWith(w[1] + " ")) {
                            reply = m.substring(w[1].length() + 1).trim();
                        }
                    }
                }
                case "relaycopy" -> {
                    try (RelayClient plain = new RelayClient(RelayClient.Options.of(relayUri, room.room(),
                            room.readOnlySecret()))) {
                        plain.connect().get(30, TimeUnit.SECONDS);
                        SharedDocument copy = SharedDocument.open(plain, "doc", new TextDocument(1));
                        copy.firstSync().get(30, TimeUnit.SECONDS);
                        reply = PeerProcess.sha(copy.call(TextDocument::getText).join());
                        copy.close();
                    }
                }
                case "text" -> reply = doc.call(TextDocument::getText).join();
                default -> reply = "unknown command";
            }
            System.out.println(reply);
        }
        direct.close();
        System.exit(0);
    }
}
