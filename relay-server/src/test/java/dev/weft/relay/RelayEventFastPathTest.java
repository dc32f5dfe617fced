package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.NodeWeftClient;
import dev.weft.relay.testing.RawSocketIoClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's own decoder for plain event frames ({@code net.EventFrameFastPath}) against a real relay process:
 * frames of exactly the shape {@code 42["weft","<base64>"]} from the Java and Node Socket.IO clients take it and
 * behave as before; every other frame (escaped JSON, ack ids, other events and namespaces, binary attachments,
 * non-base64 text, oversized frames) falls back to netty-socketio with the outcome it always had. Counted by the
 * relay's {@code weft_messages_received_fast_path_total}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayEventFastPathTest {
    private static final String FAST = "weft_messages_received_fast_path_total";
    private static final String ALL = "weft_messages_received_total";
    /** Small, so that oversized messages and frames are cheap to build. */
    private static final int MAX_MESSAGE_BYTES = 4096;

    @TempDir
    static Path tmp;
    RelayProcess relay;

    @BeforeAll
    void startRelay() throws Exception {
        relay = RelayProcess.start(tmp, "--check-invariants", "true", "--max-message-bytes",
                String.valueOf(MAX_MESSAGE_BYTES));
    }

    @AfterAll
    void stopRelay() {
        if (relay != null) {
            assertThat(relay.log().lines().filter(l -> l.contains("\"level\":\"SEVERE\"")))
                    .as("relay logged a bug (invariant or task failure)").isEmpty();
            assertThat(relay.stop()).as("exit code after SIGTERM; log:\n%s", relay.log()).isIn(0, 143);
        }
    }

    /** Both counters now: {fast path, all messages}. */
    private long[] counters() throws Exception {
        return new long[] {relay.metric(FAST), relay.metric(ALL)};
    }

    @Test
    void ordinaryEventsFromJavaAndNodeClientsTakeTheFastPathAndAreForwardedAsSent() throws Exception {
        RoomCredentials room = relay.createRoom();
        long[] before = counters();
        try (WeftTestClient java = JavaWeftClient.connect(relay.url());
             WeftTestClient node = NodeWeftClient.connect(relay.url())) {
            TextDocument rj = Replicas.joined(java, room, room.secret(), 1, "java", "f.txt");
            TextDocument rn = Replicas.joined(node, room, room.secret(), 2, "node", "f.txt");
            // Slashes and pluses in the base64: no client escapes them, so these frames are fast too.
            byte[] fromJava = rj.insert(0, "??>>??>>\u00ff\u00fe").update();
            java.send(new Message.Update("f.txt", fromJava));
            assertThat(node.expect(Message.Update.class).update()).isEqualTo(fromJava);
            Replicas.awaitAck(java, "f.txt", rj.version());
            rn.applyUpdate(fromJava);
            byte[] fromNode = rn.insert(rn.length(), " node").update();
            node.send(new Message.Update("f.txt", fromNode));
            assertThat(java.expect(Message.Update.class).update()).isEqualTo(fromNode);
            Replicas.awaitAck(node, "f.txt", rn.version());
            rj.applyUpdate(fromNode);
            assertThat(rj.getText()).isEqualTo(rn.getText()).isEqualTo("??>>??>>\u00ff\u00fe node");
        }
        long[] after = counters();
        // Hello, SyncRequest and Update from each: all of them plain event frames.
        assertThat(after[1] - before[1]).isEqualTo(6);
        assertThat(after[0] - before[0]).as("fast-path messages").isEqualTo(after[1] - before[1]);
    }

    @Test
    void framesOfAnyOtherShapeFallBackToNettySocketioWithTheSameOutcome() throws Exception {
        RoomCredentials room = relay.createRoom();
        try (RawSocketIoClient raw = RawSocketIoClient.connect(relay)) {
            long[] start = counters();
            TextDocument r = Replicas.joined(raw, room, room.secret(), 3, "raw", "g.txt");
            assertThat(relay.metric(FAST) - start[0]).as("Hello and SyncRequest, plain frames").isEqualTo(2);

            // Escaped JSON: the same string after unescaping, so the same update and ack, but not the fast path.
            String update = MessageCodec.encodeBase64(new Message.Update("g.txt", r.insert(0, "esc").update()));
            String escaped = String.format("\\u%04x", (int) update.charAt(0)) + update.substring(1);
            fallsBack(raw, "42[\"weft\",\"" + escaped + "\"]");
            Replicas.awaitAck(raw, "g.txt", r.version());

            // Whitespace inside the JSON array.
            update = MessageCodec.encodeBase64(new Message.Update("g.txt", r.insert(0, "ws").update()));
            fallsBack(raw, "42[ \"weft\" , \"" + update + "\" ]");
            Replicas.awaitAck(raw, "g.txt", r.version());

            // An ack id: netty-socketio answers the Socket.IO ack as well.
            update = MessageCodec.encodeBase64(new Message.Update("g.txt", r.insert(0, "ack").update()));
            fallsBack(raw, "427[\"weft\",\"" + update + "\"]");
            Replicas.awaitAck(raw, "g.txt", r.version());

            // Text outside the base64 alphabet (base64url): netty-socketio passes the string, the decoder refuses it.
            fallsBack(raw, "42[\"weft\",\"ab-_ab-_\"]");
            assertThat(raw.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE);

            // A binary attachment instead of a string: never the fast path (a binary frame follows the event frame);
            // netty-socketio 2.0.14 makes no listener call of it here (the relay answers nothing), and the
            // connection goes on.
            byte[] binary = MessageCodec.encode(new Message.Update("g.txt", r.insert(0, "bin").update()));
            long fast = relay.metric(FAST);
            raw.sendFrame("451-[\"weft\",{\"_placeholder\":true,\"num\":0}]");
            raw.sendBinary(binary);
            assertThat(relay.metric(FAST)).isEqualTo(fast);

            // Another event name, another namespace: no "weft" listener call at all (the relay answers nothing).
            String ignored = MessageCodec.encodeBase64(new Message.SyncRequest("h.txt", r.version()));
            fallsBack(raw, "42[\"other\",\"" + ignored + "\"]");
            fallsBack(raw, "42/elsewhere,[\"weft\",\"" + ignored + "\"]");
            // Bytes after the array: netty-socketio's JSON reader stops after the first value and calls the listener,
            // so the relay answers; the fast path leaves such a frame to it.
            String trailing = MessageCodec.encodeBase64(new Message.SyncRequest("t.txt", r.version()));
            fallsBack(raw, "42[\"weft\",\"" + trailing + "\"]x");
            assertThat(raw.expect(Message.SyncReply.class).doc()).isEqualTo("t.txt");

            // The "bin" edit was refused: the relay lacks it; resend it as a plain update and get it acked.
            raw.send(new Message.Update("g.txt", r.encodeStateAsUpdate()));
            Replicas.awaitAck(raw, "g.txt", r.version());
            List<Message> rest = raw.drain(Duration.ofMillis(300));
            assertThat(rest).as("%s", rest)
                    .noneMatch(m -> m instanceof Message.Error || m instanceof Message.SyncReply);
            assertThat(Replicas.synced(raw, "g.txt").getText()).isEqualTo(r.getText());
        }
    }

    @Test
    void afterLeavingTheNamespaceEventsAreDroppedAndAfterRejoiningTheyReachTheNewSession() throws Exception {
        RoomCredentials room = relay.createRoom();
        try (RawSocketIoClient raw = RawSocketIoClient.connect(relay)) {
            raw.join(room, room.secret(), 6, "raw");
            raw.disconnect(); // 41: netty-socketio calls no listener for this client's events any more
            long fast = relay.metric(FAST);
            raw.send(new Message.SyncRequest("left.txt", dev.weft.crdt.model.VersionVector.EMPTY));
            raw.reconnect(); // 40: a new Socket.IO session on the same WebSocket
            String event;
            do {
                event = raw.awaitConnection(WeftTestClient.TIMEOUT);
            } while (event.startsWith("frame"));
            assertThat(event).isEqualTo("connect");
            raw.join(room, room.secret(), 7, "raw again");
            assertThat(relay.metric(FAST) - fast).as("only the second Hello").isEqualTo(1);
            assertThat(raw.drain(Duration.ofMillis(300))).noneMatch(m -> m.doc().equals("left.txt"));
        }
    }

    /** Sends {@code frame} and checks, once the relay answered a later probe, that it did not take the fast path. */
    private void fallsBack(RawSocketIoClient raw, String frame) throws Exception {
        long fast = relay.metric(FAST);
        raw.sendFrame(frame);
        // Frames of one connection are handled in order: once a later plain frame is answered, this one was handled.
        raw.send(new Message.StateCheck("probe-" + fast + ".txt", dev.weft.crdt.model.VersionVector.EMPTY,
                new byte[32]));
        raw.expect(Message.class, m -> m.doc().equals("probe-" + fast + ".txt"), WeftTestClient.TIMEOUT);
        assertThat(relay.metric(FAST) - fast).as("fast-path messages for %s", clip(frame)).isEqualTo(1);
    }

    private static String randomBase64(int length, SplittableRandom rnd) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    /**
     * Node negotiates permessage-deflate, and the frame limit applies to the compressed bytes: 2 MB of one letter
     * is a frame of a few KB. The relay inflates frames only up to the frame limit, so this one closes the
     * connection instead of being inflated whole (unbounded, a small frame could inflate to gigabytes); the relay
     * keeps serving others.
     */
    @Test
    void aCompressedFrameThatInflatesBeyondTheFrameLimitClosesTheConnection() throws Exception {
        RoomCredentials room = relay.createRoom();
        try (NodeWeftClient node = NodeWeftClient.connect(relay.url())) {
            node.emitString("A".repeat(2_000_000));
            assertThat(node.awaitConnection(WeftTestClient.TIMEOUT)).startsWith("disconnect");
        }
        // Closed by the bounded inflater, not after inflating the whole message.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!relay.log().contains("Decompression buffer has reached maximum size")
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(relay.log()).contains("Decompression buffer has reached maximum size");
        try (WeftTestClient check = JavaWeftClient.connect(relay.url())) {
            TextDocument r = Replicas.joined(check, room, room.secret(), 6, "check", "z.txt");
            check.send(new Message.Update("z.txt", r.insert(0, "served").update()));
            Replicas.awaitAck(check, "z.txt", r.version());
        }
    }

    @Test
    void malformedAndOversizedPlainFramesGetTheSameErrorsAndLimits() throws Exception {
        RoomCredentials room = relay.createRoom();
        try (RawSocketIoClient raw = RawSocketIoClient.connect(relay)) {
            TextDocument r = Replicas.joined(raw, room, room.secret(), 4, "raw", "m.txt");
            long fast = relay.metric(FAST);
            // Base64 alphabet, but not valid base64 / not a message: the fast path passes it, the decoder refuses.
            raw.emitString("A");
            assertThat(raw.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
            raw.emitString("AAAA");
            assertThat(raw.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
            raw.emitString("");
            assertThat(raw.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
            // Over the message limit but within the frame limit: MESSAGE_TOO_LARGE, the connection stays open.
            raw.emitString("A".repeat(MAX_MESSAGE_BYTES * 2));
            assertThat(raw.expect(Message.Error.class).code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
            assertThat(relay.metric(FAST) - fast).isEqualTo(4);
            raw.send(new Message.Update("m.txt", r.insert(0, "still open").update()));
            Replicas.awaitAck(raw, "m.txt", r.version());
        }
        // Over the frame limit in one frame (as Socket.IO clients send it): the websocket frame decoder closes the
        // connection (1009) before any Socket.IO decoder runs. (The JDK client splits large text into fragments,
        // which netty-socketio's aggregator refuses instead, so it is not used here.)
        try (NodeWeftClient node = NodeWeftClient.connect(relay.url())) {
            long fast = relay.metric(FAST);
            // Random base64, so that permessage-deflate (which Node negotiates) cannot shrink it under the limit.
            node.emitString(randomBase64(200_000, new SplittableRandom(9)));
            assertThat(node.awaitConnection(WeftTestClient.TIMEOUT)).startsWith("disconnect");
            assertThat(relay.metric(FAST)).isEqualTo(fast);
        }
        try (WeftTestClient check = JavaWeftClient.connect(relay.url())) {
            assertThat(Replicas.joined(check, room, room.secret(), 5, "check", "m.txt").getText())
                    .isEqualTo("still open");
        }
    }

    /**
     * A message split into WebSocket fragments (as the JDK's client sends large text) is aggregated and handled
     * like one frame; one whose fragments add up to more than the frame limit closes that connection with 1009
     * "message too big" and a log line, instead of vanishing with the connection left open; other connections and
     * the document are untouched.
     */
    @Test
    void anOverLimitMessageInFragmentsClosesItsConnectionWith1009AndTheRoomCarriesOn() throws Exception {
        RoomCredentials room = relay.createRoom();
        try (RawSocketIoClient raw = RawSocketIoClient.connect(relay);
             WeftTestClient other = JavaWeftClient.connect(relay.url())) {
            TextDocument r = Replicas.joined(raw, room, room.secret(), 8, "raw", "f.txt");
            TextDocument mine = Replicas.joined(other, room, room.secret(), 9, "other", "f.txt");
            String frame = "42[\"weft\",\"" + MessageCodec.encodeBase64(
                    new Message.Update("f.txt", r.insert(0, "in pieces").update())) + "\"]";
            int cut = frame.length() / 2;
            assertThat(raw.sendFragments(frame.substring(0, 5), frame.substring(5, cut), frame.substring(cut)))
                    .isTrue();
            Replicas.awaitAck(raw, "f.txt", r.version());

            String huge = randomBase64(200_000, new SplittableRandom(11));
            raw.sendFragments("42[\"weft\",\"", huge.substring(0, 100_000), huge.substring(100_000), "\"]");
            assertThat(raw.awaitClose(WeftTestClient.TIMEOUT)).as("close status").isEqualTo(1009);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!relay.log().contains("socketio.message_too_large") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(relay.log()).contains("socketio.message_too_large");
            assertThat(relay.log()).doesNotContain(huge.substring(0, 64));

            other.send(new Message.Update("f.txt", mine.insert(0, "after ").update()));
            Replicas.awaitAck(other, "f.txt", mine.version());
        }
        try (WeftTestClient check = JavaWeftClient.connect(relay.url())) {
            String text = Replicas.joined(check, room, room.secret(), 10, "check", "f.txt").getText();
            assertThat(text).contains("in pieces").contains("after ").hasSize("in pieces".length() + "after ".length());
        }
    }

    /**
     * Seeded random edits by Java, Node and raw-frame clients on two documents, all through the fast path, with
     * forwarded updates applied as they arrive: every replica converges exactly (text, version, invariants) with
     * a fresh replica synced from the relay. {@code -Dweft.fastpath.seed=N} replays a failure.
     */
    @Test
    void seededRandomEditsOfManyClientsThroughTheFastPathConverge() throws Exception {
        long seed = Long.getLong("weft.fastpath.seed", 1515);
        SplittableRandom rnd = new SplittableRandom(seed);
        RoomCredentials room = relay.createRoom();
        List<String> docs = List.of("a.txt", "b.txt");
        long[] before = counters();
        List<WeftTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 7; i++) {
                clients.add(i % 3 == 0 ? JavaWeftClient.connect(relay.url())
                        : i % 3 == 1 ? NodeWeftClient.connect(relay.url()) : RawSocketIoClient.connect(relay));
            }
            List<List<TextDocument>> replicas = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).join(room, room.secret(), 300 + i, "c" + i);
                List<TextDocument> mine = new ArrayList<>();
                for (String doc : docs) {
                    mine.add(Replicas.synced(clients.get(i), doc));
                }
                replicas.add(mine);
            }
            String alphabet = "abcxyz é€\u00ff/+=\n";
            for (int round = 0; round < 400; round++) {
                int i = rnd.nextInt(clients.size());
                int d = rnd.nextInt(docs.size());
                TextDocument r = replicas.get(i).get(d);
                byte[] u;
                if (r.length() > 0 && rnd.nextInt(3) == 0) {
                    int at = rnd.nextInt(r.length());
                    u = r.delete(at, 1 + rnd.nextInt(Math.min(3, r.length() - at))).update();
                } else {
                    StringBuilder text = new StringBuilder();
                    for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                        text.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                    }
                    u = r.insert(rnd.nextInt(r.length() + 1), text.toString()).update();
                }
                clients.get(i).send(new Message.Update(docs.get(d), u));
                for (int j = 0; j < clients.size(); j++) {
                    applyForwarded(clients.get(j), replicas.get(j), docs, Duration.ofMillis(rnd.nextInt(2)));
                }
            }
            for (int i = 0; i < clients.size(); i++) {
                for (int d = 0; d < docs.size(); d++) {
                    // An empty update asks for an ack of everything before it (earlier acks were drained).
                    clients.get(i).send(new Message.Update(docs.get(d), new byte[0]));
                    Replicas.awaitAck(clients.get(i), docs.get(d), replicas.get(i).get(d).version());
                }
            }
            for (int i = 0; i < clients.size(); i++) {
                applyForwarded(clients.get(i), replicas.get(i), docs, Duration.ofMillis(200));
            }
            try (WeftTestClient check = JavaWeftClient.connect(relay.url())) {
                check.join(room, room.readOnlySecret(), 399, "check");
                for (int d = 0; d < docs.size(); d++) {
                    TextDocument fresh = Replicas.synced(check, docs.get(d));
                    fresh.checkInvariants();
                    for (int i = 0; i < clients.size(); i++) {
                        TextDocument r = replicas.get(i).get(d);
                        r.checkInvariants();
                        assertThat(r.getText()).as("seed %d, client %d, %s", seed, i, docs.get(d))
                                .isEqualTo(fresh.getText());
                        assertThat(r.version()).as("seed %d, client %d, %s", seed, i, docs.get(d))
                                .isEqualTo(fresh.version());
                    }
                }
            }
        } finally {
            for (WeftTestClient c : clients) {
                c.close();
            }
        }
        long[] after = counters();
        assertThat(after[0] - before[0]).as("seed %d: every message took the fast path", seed)
                .isEqualTo(after[1] - before[1]);
    }

    /** Applies every forwarded update {@code c} received within {@code window} to its replica of that document. */
    private static void applyForwarded(WeftTestClient c, List<TextDocument> replicas, List<String> docs,
                                       Duration window) {
        for (Message m : c.drain(window)) {
            if (m instanceof Message.Update fwd) {
                replicas.get(docs.indexOf(fwd.doc())).applyUpdate(fwd.update());
            } else if (m instanceof Message.Error e) {
                throw new AssertionError("relay error: " + e);
            }
        }
    }
}
