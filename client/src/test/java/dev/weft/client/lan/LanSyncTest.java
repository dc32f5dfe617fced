package dev.weft.client.lan;

import static dev.weft.client.lan.LanNodes.await;
import static dev.weft.client.lan.LanNodes.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.SharedDocument;
import dev.weft.client.lan.secure.RoomKeys;
import dev.weft.client.lan.secure.SecureChannel;
import dev.weft.crdt.TextDocument;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.Role;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LAN nodes on loopback, no relay: forwarding, convergence, durability across restarts, roles, wrong secrets. */
class LanSyncTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void lineOfThreePeersConvergesOnSeededRandomEditsThroughForwarding() throws Exception {
        for (long seed : new long[] {1, 2, 3}) {
            convergeLine(seed);
        }
    }

    private void convergeLine(long seed) throws Exception {
        LanLink link = LanLink.newRoom("line" + seed);
        Random r = new Random(seed);
        Path dir = tmp.resolve("seed" + seed);
        // a ← b → c: a and c are never connected; b forwards between them.
        try (LanChannel b = LanNodes.start(link, dir.resolve("b"));
             LanChannel a = LanNodes.start(link, dir.resolve("a"), b);
             LanChannel c = LanNodes.start(link, dir.resolve("c"), b)) {
            List<SharedDocument> docs = List.of(LanNodes.open(a, "doc", 1), LanNodes.open(b, "doc", 2),
                    LanNodes.open(c, "doc", 3));
            await("links", T, () -> b.peerCount() == 2);
            for (int i = 0; i < 300; i++) {
                LanNodes.randomEdit(docs.get(r.nextInt(3)), r);
                if (r.nextInt(50) == 0) {
                    Thread.sleep(r.nextInt(20));
                }
            }
            await("convergence (seed " + seed + ")", T, () -> {
                String t0 = text(docs.get(0));
                return docs.stream().allMatch(d -> text(d).equals(t0))
                        && List.of(a, b, c).stream().allMatch(n -> t0.equals(n.text("doc")));
            });
            for (SharedDocument d : docs) {
                assertThat(d.awaitAllAcked(T)).isTrue();
            }
            assertThat(a.peerCount()).isEqualTo(1);
            assertThat(c.peerCount()).isEqualTo(1);
            assertThat(text(docs.get(0))).isNotEmpty();
            docs.forEach(SharedDocument::close);
        }
    }

    @Test
    void restartedPeerAndLateJoinerCatchUpFromAnyPeerAfterTheAuthorLeft() throws Exception {
        LanLink link = LanLink.newRoom("restart");
        LanChannel b = LanNodes.start(link, tmp.resolve("b"));
        LanChannel a = LanNodes.start(link, tmp.resolve("a"), b);
        SharedDocument da = LanNodes.open(a, "notes.md", 11);
        da.insert(0, "written by a").join();
        assertThat(da.awaitAllAcked(T)).isTrue();
        await("b acknowledged a's edit", T, () -> a.peerDurable("notes.md", a.version("notes.md"))
                && !a.version("notes.md").asMap().isEmpty());
        da.close();
        a.close(); // the author leaves for good
        b.close();
        // b restarts from its journal alone; a late joiner d only ever meets b.
        LanChannel b2 = LanNodes.start(link, tmp.resolve("b"));
        assertThat(b2.text("notes.md")).isEqualTo("written by a");
        long started = System.nanoTime();
        try (b2; LanChannel d = LanNodes.start(link, tmp.resolve("d"), b2)) {
            assertThat(d.awaitFirstPeerSync(T)).isTrue();
            SharedDocument dd = LanNodes.open(d, "notes.md", 44);
            await("late joiner has the text", T, () -> text(dd).equals("written by a"));
            System.out.printf("LAN late joiner: first sync after %.1f ms%n", (System.nanoTime() - started) / 1e6);
            dd.close();
        }
    }

    @Test
    void wrongSecretNeverGetsAConnectionNorContent() throws Exception {
        LanLink link = LanLink.newRoom("guarded");
        LanLink wrong = new LanLink("guarded", RoomKeys.newEditorSecret(), true);
        try (LanChannel b = LanNodes.start(link, tmp.resolve("b"))) {
            SharedDocument db = LanNodes.open(b, "secret.txt", 5);
            db.insert(0, "confidential").join();
            try (LanChannel intruder = LanNodes.start(wrong, tmp.resolve("x"), b)) {
                await("refusals", T, () -> b.refusedHandshakes() >= 2 && intruder.refusedHandshakes() >= 2);
                assertThat(b.peerCount()).isZero();
                assertThat(intruder.peerCount()).isZero();
                assertThat(intruder.docNames()).isEmpty();
                assertThat(intruder.firstPeerSynced()).isNotDone();
            }
            db.close();
        }
    }

    @Test
    void readOnlyMemberGetsUpdatesButItsUpdatesAreRefusedByEditors() throws Exception {
        LanLink link = LanLink.newRoom("ro");
        try (LanChannel e = LanNodes.start(link, tmp.resolve("e"));
             LanChannel reader = LanNodes.start(link.readOnly(), tmp.resolve("r"), e)) {
            SharedDocument de = LanNodes.open(e, "doc", 7);
            de.insert(0, "hello").join();
            SharedDocument dr = LanNodes.open(reader, "doc", 8);
            await("reader sees the editor's text", T, () -> text(dr).equals("hello"));
            assertThat(dr.isReadOnly()).isTrue();

            // A modified reader that sends an update anyway, over a genuine authenticated link.
            RoomKeys readerKeys = link.readOnly().keys();
            try (SecureChannel ch = SecureChannel.initiate(new Socket(InetAddress.getLoopbackAddress(), e.port()),
                    readerKeys)) {
                ch.send(MessageCodec.encode(new Message.Hello(1, link.room(), "", 99, "rogue", "#000000")));
                ch.send(MessageCodec.encode(new Message.Welcome(1, Role.READ_ONLY, List.of())));
                TextDocument rogue = new TextDocument(99);
                rogue.applyUpdate(dr.call(TextDocument::encodeStateAsUpdate).join());
                rogue.insert(0, "EVIL ");
                ch.send(MessageCodec.encode(new Message.Update("doc", rogue.encodeStateAsUpdate())));
                // A rogue that claims the editor role with a made-up proof is dropped at Hello.
                await("refused", T, () -> e.refusedPeerUpdates() == 1);
            }
            try (SecureChannel ch = SecureChannel.initiate(new Socket(InetAddress.getLoopbackAddress(), e.port()),
                    readerKeys)) {
                ch.send(MessageCodec.encode(new Message.Hello(1, link.room(),
                        java.util.Base64.getEncoder().encodeToString(new byte[32]), 98, "liar", "#000000")));
                List<Message> got = new ArrayList<>();
                try {
                    while (true) {
                        got.add(MessageCodec.decode(ch.receive()));
                    }
                } catch (java.io.IOException closed) {
                    // the editor closed the link
                }
                assertThat(got).noneMatch(m -> m instanceof Message.SyncReply || m instanceof Message.Update);
            }
            de.insert(5, " world").join();
            await("editor's later edit reaches the reader", T, () -> text(dr).equals("hello world"));
            assertThat(e.text("doc")).isEqualTo("hello world");
            de.close();
            dr.close();
        }
    }
}
