package dev.weft.lsp.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.weft.client.SharedDocument;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.relay.RoomApi;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 14: the language server joins a room of more than 1,000 documents (a real relay process, default
 * limits) in one batched first sync: every document arrives with its text, none waits for a first-sync timeout.
 */
class LargeRoomJoinTest {
    static final int DOCS = 1003;

    @TempDir
    Path tmp;

    @Test
    void joiningARoomOf1003DocumentsSyncsEveryDocumentQuickly() throws Exception {
        long seed = Long.getLong("weft.seed", 1003L);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < DOCS; i++) {
            texts.put("src/m" + (i % 17) + "/file" + i + ".txt", "file " + i + " value " + random.nextInt() + "\n");
        }
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"))) {
            URI relayUri = URI.create(relay.url());
            RoomCredentials creds = new RoomApi(relayUri).createRoom();
            InviteLink link = new InviteLink(relayUri, creds.room(), creds.secret());
            RelayClient writer = new RelayClient(RelayClient.Options.of(link).withUser("ann", "#000000"));
            writer.connect().get(30, TimeUnit.SECONDS);
            List<SharedDocument> docs = new ArrayList<>();
            long agent = 5000;
            for (Map.Entry<String, String> e : texts.entrySet()) {
                SharedDocument d = SharedDocument.open(writer, e.getKey(), new TextDocument(agent++));
                docs.add(d);
                d.edit(t -> t.insert(0, e.getValue()));
            }
            for (SharedDocument d : docs) {
                assertThat(d.awaitAllAcked(Duration.ofSeconds(60))).as("acked " + d.name()).isTrue();
            }

            Path ws = Files.createDirectories(tmp.resolve("ws"));
            JsonObject opts = new JsonObject();
            opts.addProperty("userName", "joiner");
            opts.addProperty("dataDir", tmp.resolve("data").toString());
            try (SimulatedEditor joiner = new SimulatedEditor(Ordering.VSCODE, null, RoomConnector.RELAY, ws, opts)) {
                JsonObject args = new JsonObject();
                args.addProperty("link", link.format());
                long t0 = System.nanoTime();
                JsonObject res = new Gson().toJsonTree(joiner.commandAsync(WeftProtocol.JOIN, args)
                        .get(120, TimeUnit.SECONDS)).getAsJsonObject();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("language server joined %d documents in %d ms (seed %d)%n", DOCS, ms, seed);
                assertThat(res.getAsJsonArray("documents")).hasSize(DOCS);
                for (Map.Entry<String, String> e : texts.entrySet()) {
                    assertThat(Files.readString(ws.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
                }
                // One first-sync timeout alone is 15 s; one round trip per document took 53 s before batching.
                assertThat(ms).as("join time (ms)").isLessThan(15_000);
            }
            for (SharedDocument d : docs) {
                d.close();
            }
            writer.close();
        }
    }
}
