package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.NodeWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.WireLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real relay process under hostile and oversized input (issue 9, items 3, 4, 6, 7, 8): each attack gets a typed
 * error or a bounded reaction, and a normal member keeps being served.
 */
class RelayHostileInputTest {
    @TempDir
    Path tmp;

    /** Joins as editor "user{@code clientId}", syncs {@code doc} and returns the replica. */
    private static TextDocument joinAndSync(WeftTestClient c, RoomCredentials room, long clientId, String doc) {
        return Replicas.joined(c, room, room.secret(), clientId, "user" + clientId, doc);
    }

    /** A normal writer can join {@code room}, write and get its ack. */
    private static void normalWriterIsServed(RelayProcess relay, RoomCredentials room, String doc) {
        try (JavaWeftClient w = JavaWeftClient.connect(relay.url())) {
            TextDocument r = joinAndSync(w, room, 4242, doc);
            w.send(new Message.Update(doc, r.insert(r.length(), "still served").update()));
            Replicas.awaitAck(w, doc, r.version());
        }
    }

    // ---- item 3: one limit, a clear error, a usable connection ------------------------------------------------

    /**
     * 14 bytes that declare a deleted, garbage-collected run of 2,000,000,000 units (no content on the wire): the
     * relay's replica would store its seqs (4 GB). Refused as too large before anything is allocated; the sender's
     * connection and the relay keep working.
     */
    @Test
    void aTinyUpdateDeclaringAHugeCollectedRunIsRefusedAndTheRelayKeepsServing() throws Exception {
        byte[] hugeCollectedRun = {1, 0, 1, 5, 1, 0, 0, (byte) 0x80, (byte) 0xA8, (byte) 0xD6, (byte) 0xB9, 0x07, 3, 0};
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("r"))) {
            RoomCredentials room = relay.createRoom();
            try (JavaWeftClient c = JavaWeftClient.connect(relay.url())) {
                TextDocument r = joinAndSync(c, room, 1, "gc.txt");
                c.send(new Message.Update("gc.txt", hugeCollectedRun));
                Message.Error err = c.expect(Message.Error.class);
                assertThat(err.code()).isEqualTo(ErrorCode.UPDATE_TOO_LARGE);
                assertThat(err.message()).contains("garbage-collected");
                c.send(new Message.Update("gc.txt", r.insert(0, "after").update()));
                Replicas.awaitAck(c, "gc.txt", r.version());
            }
            normalWriterIsServed(relay, room, "gc.txt");
        }
    }

    @Test
    void updateOverTheProtocolLimitGetsMessageTooLargeAndTheConnectionStaysUsable() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("r"))) {
            RoomCredentials room = relay.createRoom();
            try (JavaWeftClient c = JavaWeftClient.connect(relay.url())) {
                TextDocument r = joinAndSync(c, room, 1, "big.txt");
                // 9 MiB: over WireLimits.MAX_MESSAGE_BYTES, still under what the Java client's OkHttp can queue.
                byte[] tooBig = new byte[9 << 20];
                Arrays.fill(tooBig, (byte) 'x');
                c.send(new Message.Update("big.txt", tooBig));
                Message.Error err = c.expect(Message.Error.class);
                assertThat(err.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
                c.send(new Message.Update("big.txt", r.insert(0, "small").update()));
                Replicas.awaitAck(c, "big.txt", r.version());
                assertThat(c.connected()).isTrue();
            }
        }
    }

    @Test
    void fifteenMebibyteUpdateIsAnsweredNotSilentlyClosed() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("r"));
             NodeWeftClient c = NodeWeftClient.connect(relay.url())) {
            RoomCredentials room = relay.createRoom();
            TextDocument r = joinAndSync(c, room, 1, "big.txt");
            byte[] tooBig = new byte[15 << 20];
            Arrays.fill(tooBig, (byte) 'y');
            c.send(new Message.Update("big.txt", tooBig));
            Message m = c.expect(Message.class, x -> x instanceof Message.Error, Duration.ofSeconds(30));
            assertThat(((Message.Error) m).code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
            c.send(new Message.Update("big.txt", r.insert(0, "small").update()));
            Replicas.awaitAck(c, "big.txt", r.version());
        }
    }

    @Test
    void theProtocolLimitFitsEveryTransportLayer() {
        // OkHttp (Java clients) closes a websocket whose outgoing queue passes 16 MiB; Jackson's default string cap
        // is 20,000,000 characters. The largest message's frame must fit both with margin.
        long frame = WireLimits.base64Chars(WireLimits.MAX_MESSAGE_BYTES) + 16;
        assertThat(frame).isLessThan((16L << 20) * 3 / 4);
        assertThat(frame).isLessThan(20_000_000L * 3 / 4);
        assertThat(WireLimits.MAX_UPDATE_BYTES + 1024 + 16).isLessThanOrEqualTo(WireLimits.MAX_MESSAGE_BYTES);
        byte[] largest = MessageCodec.encode(new Message.Update("d".repeat(1024), new byte[WireLimits.MAX_UPDATE_BYTES]));
        assertThat(largest.length).isLessThanOrEqualTo(WireLimits.MAX_MESSAGE_BYTES);
    }

    // ---- item 4: compression bombs -----------------------------------------------------------------------------

    /** A valid update: one item of {@code units} 'a's by agent {@code agent}, deflated (docs/crdt-format.md). */
    static byte[] bomb(long agent, int units) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(units + 32);
        body.writeBytes(varint(1));
        body.writeBytes(varint(agent));
        body.writeBytes(varint(1));
        body.write(0);
        body.write(0);
        body.writeBytes(varint(units));
        body.write(0);
        body.write(0);
        byte[] content = new byte[units];
        Arrays.fill(content, (byte) 'a');
        body.writeBytes(content);
        byte[] raw = body.toByteArray();
        Deflater d = new Deflater(9, true);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(1);
        out.writeBytes(varint(raw.length));
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
        return o.toByteArray();
    }

    @Test
    void compressionBombsAreRefusedAndTheRoomKeepsServingWithASmallHeap() throws Exception {
        // 160 MB of heap: before the limits, three 64 Mi-character bombs (65 KB each) exhausted it.
        try (RelayProcess relay = RelayProcess.startWithJvmArgs(tmp.resolve("r"),
                "-Xmx160m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC", "--max-document-chars", "4194304",
                "--max-room-chars", "8388608")) {
            RoomCredentials room = relay.createRoom();
            byte[] huge = bomb(77, (64 << 20) - 64);
            assertThat(huge.length).isLessThan(80_000);
            try (JavaWeftClient attacker = JavaWeftClient.connect(relay.url())) {
                attacker.join(room, room.secret(), 66, "attacker");
                List<ErrorCode> answers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String doc = "bomb" + (i % 5) + ".txt";
                    if (i < 5) {
                        Replicas.sync(attacker, doc, Replicas.fresh());
                    }
                    // Alternate 64 Mi-unit bombs and bombs just under the per-document limit (3.9 Mi units).
                    byte[] b = i % 2 == 0 ? huge : bomb(100 + i, 4_000_000);
                    attacker.send(new Message.Update(doc, b));
                    Message m = attacker.expect(Message.class,
                            x -> x instanceof Message.Ack || x instanceof Message.Error, Duration.ofSeconds(30));
                    answers.add(m instanceof Message.Error e ? e.code() : null);
                }
                assertThat(answers).contains(ErrorCode.UPDATE_TOO_LARGE, ErrorCode.DOC_TOO_LARGE);
                assertThat(answers).doesNotContain(ErrorCode.INTERNAL);
            }
            normalWriterIsServed(relay, room, "normal.txt");
            assertThat(relay.isAlive()).isTrue();
            assertThat(relay.log()).doesNotContain("OutOfMemoryError");
            // After a restart the room loads within the same small heap and still serves.
            relay.restart();
            normalWriterIsServed(relay, room, "normal.txt");
        }
    }

    // ---- item 6: logs ------------------------------------------------------------------------------------------

    /** A raw Engine.IO/Socket.IO v4 websocket (java.net.http), to send frames no Socket.IO client would. */
    private static WebSocket rawSocketIo(HttpClient http, RelayProcess relay) throws Exception {
        URI uri = URI.create(relay.url().replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket");
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("40", true).get(5, TimeUnit.SECONDS);
        return ws;
    }

    @Test
    void junkFloodKeepsTheLogSmallAndNeverLogsTheSecret() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("r"))) {
            RoomCredentials room = relay.createRoom();
            // A malformed Hello: the secret is there, the colour field is cut off.
            String hello = MessageCodec.encodeBase64(new Message.Hello(1, room.room(), room.secret(), 5, "x",
                    "#ffffff"));
            hello = hello.substring(0, hello.length() - 8);
            String junk = "x".repeat(200_000);
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            int frames = 0;
            while (System.nanoTime() < deadline) {
                WebSocket ws;
                try {
                    ws = rawSocketIo(http, relay);
                } catch (Exception refusedOrClosed) {
                    continue;
                }
                try {
                    // Malformed Socket.IO packets: broken JSON carrying the secret and the Hello, and plain junk.
                    ws.sendText("42[\"weft\",\"" + hello + "\"]", true).get(5, TimeUnit.SECONDS);
                    ws.sendText("42[\"weft\",\"" + hello + "\",{\"secret\":\"" + room.secret() + "\"" + junk, true)
                            .get(5, TimeUnit.SECONDS);
                    ws.sendText("42[\"weft\"," + room.secret() + junk + "]", true).get(5, TimeUnit.SECONDS);
                    ws.sendText("4" + junk, true).get(5, TimeUnit.SECONDS);
                    frames += 4;
                } catch (Exception closedByRelay) {
                    frames++;
                }
                ws.abort();
            }
            // A joined member with wrong secrets, repeatedly.
            for (int i = 0; i < 30; i++) {
                try (JavaWeftClient c = JavaWeftClient.connect(relay.url())) {
                    c.send(new Message.Hello(1, room.room(), room.secret() + "-wrong", 9, "y".repeat(3000), "#ffffff"));
                    c.expect(Message.Error.class);
                }
            }
            normalWriterIsServed(relay, room, "after-flood.txt");
            String log = relay.log();
            assertThat(frames).isGreaterThan(30);
            assertThat(log.length()).as("log after %d junk frames:\n%s", frames,
                    log.substring(0, Math.min(log.length(), 6000))).isLessThan(100_000);
            assertThat(log).doesNotContain(room.secret());
            assertThat(log).doesNotContain(hello.substring(8, 40));
            assertThat(log).doesNotContain("x".repeat(300));
            assertThat(log).doesNotContain("y".repeat(100));
        }
    }

    // ---- item 7: idle connections ------------------------------------------------------------------------------

    /** True if the relay closed {@code s} (EOF or reset) within {@code millis}. */
    private static boolean closedWithin(Socket s, int millis) {
        try {
            s.setSoTimeout(millis);
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void idleConnectionsAreTimedOutAndCappedPerAddress() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("r"), "--auth-timeout-ms", "1500",
                "--max-connections-per-address", "40")) {
            RoomCredentials room = relay.createRoom();
            Thread.sleep(2000); // the HTTP keep-alive connection of createRoom is closed by the timeout meanwhile
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 60; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 2000);
                    idle.add(s);
                }
                Thread.sleep(500);
                int refusedAtOnce = 0;
                for (Socket s : idle) {
                    refusedAtOnce += closedWithin(s, 5) ? 1 : 0;
                }
                assertThat(refusedAtOnce).as("connections over the per-address cap").isEqualTo(20);
                int timedOut = 0;
                for (Socket s : idle) {
                    timedOut += closedWithin(s, 5000) ? 1 : 0;
                }
                assertThat(timedOut).as("all closed after the auth timeout").isEqualTo(60);
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
            // A Socket.IO connection that never sends Hello is told why before it is closed.
            try (JavaWeftClient silent = JavaWeftClient.connect(relay.url())) {
                Message.Error err = silent.expect(Message.Error.class);
                assertThat(err.code()).isEqualTo(ErrorCode.AUTH_TIMEOUT);
            }
            assertThat(RelayProcess.Http.get(relay.url() + "/healthz").status()).isEqualTo(200);
            normalWriterIsServed(relay, room, "w.txt");
            // A joined member is not timed out.
            try (JavaWeftClient member = JavaWeftClient.connect(relay.url())) {
                TextDocument r = joinAndSync(member, room, 8, "w.txt");
                Thread.sleep(2500);
                member.send(new Message.Update("w.txt", r.insert(0, "late").update()));
                Replicas.awaitAck(member, "w.txt", r.version());
            }
        }
    }

    // ---- item 8: presence bound to the connection --------------------------------------------------------------

    @Test
    void readOnlyMemberCannotFakeOrMuteAnEditorsPresence() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("r"));
             JavaWeftClient editor = JavaWeftClient.connect(relay.url());
             JavaWeftClient observer = JavaWeftClient.connect(relay.url());
             JavaWeftClient faker = JavaWeftClient.connect(relay.url())) {
            RoomCredentials room = relay.createRoom();
            long ada = 7;
            joinAndSync(editor, room, ada, "p.txt");
            joinAndSync(observer, room, 8, "p.txt");
            faker.join(room, room.readOnlySecret(), ada, "mallory");
            Replicas.sync(faker, "p.txt", Replicas.fresh());
            faker.send(new Message.Awareness("p.txt", ada, Long.MAX_VALUE / 2, "{\"name\":\"fake\"}"));
            Message.Error err = faker.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.BAD_CLIENT_ID);
            editor.send(new Message.Awareness("p.txt", ada, 1000, "{\"name\":\"real\"}"));
            Message.Awareness seen = observer.expect(Message.Awareness.class, a -> a.clientId() == ada,
                    WeftTestClient.TIMEOUT);
            assertThat(seen.state()).contains("real");
            assertThat(observer.drain(Duration.ofMillis(300)))
                    .noneMatch(m -> m instanceof Message.Awareness a && a.state().contains("fake"));
        }
    }
}
