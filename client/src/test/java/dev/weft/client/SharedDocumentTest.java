package dev.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.client.testing.InMemoryRelay;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedDocumentTest {
    private final InMemoryRelay relay = new InMemoryRelay();
    private final List<SharedDocument> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(SharedDocument::close);
    }

    private SharedDocument open(InMemoryRelay.Member c, long agent) {
        SharedDocument d = SharedDocument.open(c, "doc.txt", new TextDocument(agent));
        open.add(d);
        return d;
    }

    /** Lets every queued message cascade through the relay, the members' deliveries and the documents' executors. */
    private void settle() {
        for (int round = 0; round < 6; round++) {
            relay.drain();
            for (SharedDocument d : open) {
                d.call(x -> null).join();
            }
        }
    }

    /** Connects {@code d}'s member, settles, and returns the list its relay errors are collected in. */
    /** The in-memory relay member {@code d} syncs over. */
    private static InMemoryRelay.Member member(SharedDocument d) {
        return (InMemoryRelay.Member) d.channel();
    }

    /**
     * Member 1's doc.txt (agent 11), connected, with {@code text} (if not empty) typed at its start, after everything
     * settled.
     */
    private SharedDocument connectedWith(String text) {
        InMemoryRelay.Member c = relay.newConnection(1, false);
        SharedDocument d = open(c, 11);
        c.connect();
        if (!text.isEmpty()) {
            d.insert(0, text).join();
        }
        settle();
        return d;
    }

    private List<RelayRejectedException> connectedCollectingErrors(SharedDocument d) {
        List<RelayRejectedException> errors = Collections.synchronizedList(new ArrayList<>());
        d.addErrorListener(errors::add);
        member(d).connect();
        settle();
        return errors;
    }

    private static String text(SharedDocument d) {
        return d.call(TextDocument::getText).join();
    }

    @Test
    void anEditOverTheProtocolLimitIsSentInUpdatesThatEachFit() throws Exception {
        SharedDocument d = open(relay.newConnection(1, false), 11);
        List<RelayRejectedException> errors = connectedCollectingErrors(d);
        // Random text barely compresses: its update is over WireLimits.MAX_UPDATE_BYTES.
        SplittableRandom rnd = new SplittableRandom(3);
        StringBuilder big = new StringBuilder();
        while (big.length() < dev.weft.sync.WireLimits.MAX_UPDATE_BYTES + 1024) {
            big.append((char) (0x4E00 + rnd.nextInt(20_000)));
        }
        d.insert(0, big.toString()).join();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (d.unackedCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(relay.received).noneMatch(m -> m instanceof Message.Update u && u.update().length
                > dev.weft.sync.WireLimits.MAX_UPDATE_BYTES);
        assertThat(relay.received.stream().filter(m -> m instanceof Message.Update).count()).isGreaterThan(1);
        assertThat(errors).isEmpty();
        assertThat(d.unackedCount()).isZero();
        assertThat(relay.text("doc.txt")).isEqualTo(big.toString());
    }

    @Test
    void editsMadeOfflineAreSentAndAckedOnConnect() throws Exception {
        InMemoryRelay.Member c = relay.newConnection(1, false);
        SharedDocument d = open(c, 11);
        d.insert(0, "hello").join();
        assertThat(d.unackedCount()).isEqualTo(5);
        assertThat(relay.received).isEmpty();

        c.connect();
        settle();

        assertThat(relay.text("doc.txt")).isEqualTo("hello");
        assertThat(d.unackedCount()).isZero();
        assertThat(d.awaitAllAcked(Duration.ofSeconds(1))).isTrue();
        assertThat(d.firstSync()).isDone();
    }

    @Test
    void editsWhileConnectedAreSentImmediatelyAndReachTheOtherMember() {
        InMemoryRelay.Member ca = relay.newConnection(1, false);
        InMemoryRelay.Member cb = relay.newConnection(2, false);
        SharedDocument a = open(ca, 11);
        SharedDocument b = open(cb, 22);
        List<List<TextChange>> seenByB = Collections.synchronizedList(new ArrayList<>());
        b.addRemoteChangeListener(seenByB::add);
        ca.connect();
        cb.connect();
        settle();

        a.insert(0, "abc").join();
        settle();

        assertThat(text(b)).isEqualTo("abc");
        assertThat(seenByB).containsExactly(List.of(TextChange.insert(0, "abc")));
        assertThat(a.unackedCount()).isZero();
    }

    @Test
    void joinerReceivesExistingTextInTheSyncReply() {
        member(connectedWith("existing")).disconnect();

        InMemoryRelay.Member cb = relay.newConnection(2, false);
        SharedDocument b = open(cb, 22);
        List<TextChange> changes = Collections.synchronizedList(new ArrayList<>());
        b.addRemoteChangeListener(changes::addAll);
        cb.connect();
        settle();

        assertThat(text(b)).isEqualTo("existing");
        assertThat(changes).containsExactly(TextChange.insert(0, "existing"));
    }

    @Test
    void ackLostWhenRelayDiedAfterCommitIsRecoveredWithAnEmptyUpdate() {
        SharedDocument d = connectedWith("");
        relay.withholdAcks = true;
        d.insert(0, "durable").join();
        settle();
        assertThat(d.unackedCount()).isEqualTo(7);

        relay.crash();
        relay.withholdAcks = false;
        relay.received.clear();
        member(d).connect();
        settle();

        assertThat(d.unackedCount()).isZero();
        assertThat(relay.received).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Message.Update.class,
                u -> assertThat(u.update()).isEmpty()));
        assertThat(relay.text("doc.txt")).isEqualTo("durable");
    }

    @Test
    void insertTheRelayHeldForAMissingDependencyIsAcknowledgedOnceTheDependencyArrives() throws Exception {
        SharedDocument b = connectedWith("");
        // Another member's edit reaches b before it reaches the relay (as over a direct link), and b types on it.
        TextDocument a = new TextDocument(21);
        byte[] fromA = a.insert(0, "a").update();
        member(b).deliver(new Message.Update("doc.txt", fromA));
        settle();
        assertThat(text(b)).isEqualTo("a");
        b.insert(1, "b").join();
        settle();
        // The relay answered b's update but holds it until a's arrives: b's insert is not covered yet.
        assertThat(b.unackedCount()).isEqualTo(1);
        assertThat(relay.text("doc.txt")).isEmpty();

        InMemoryRelay.Member other = relay.newConnection(2, false);
        other.connect().get(5, TimeUnit.SECONDS);
        other.send(new Message.Update("doc.txt", fromA));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.unackedCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            settle();
        }

        assertThat(relay.text("doc.txt")).isEqualTo("ab");
        assertThat(b.unackedCount()).as("b asked again and its insert is acknowledged").isZero();
        assertThat(relay.received).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Message.Update.class,
                u -> assertThat(u.update()).isEmpty()));
    }

    @Test
    void insertHeldForADependencyThatNeverReachesTheRelayBecomesDurableByAResync() throws Exception {
        SharedDocument b = connectedWith("");
        // The other member's edit reached only b (its author went away before sending it to the relay).
        byte[] fromA = new TextDocument(21).insert(0, "a").update();
        member(b).deliver(new Message.Update("doc.txt", fromA));
        settle();
        b.insert(1, "b").join();
        settle();
        assertThat(b.unackedCount()).isEqualTo(1);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (b.unackedCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            settle();
        }

        assertThat(b.unackedCount()).as("b's resync sent the edit it typed on, so its own became durable").isZero();
        assertThat(relay.text("doc.txt")).isEqualTo("ab");
        assertThat(relay.received).anySatisfy(m -> assertThat(m).isInstanceOf(Message.SyncRequest.class));
    }

    @Test
    void updateLostInRelayCrashIsResentAsADiffOnReconnect() {
        SharedDocument d = connectedWith("kept ");
        relay.notDurable = true;
        d.insert(5, "lost?").join();
        settle();
        assertThat(d.unackedCount()).isEqualTo(5);

        relay.crash();
        assertThat(relay.text("doc.txt")).isEqualTo("kept ");
        relay.notDurable = false;
        member(d).connect();
        settle();

        assertThat(relay.text("doc.txt")).isEqualTo("kept lost?");
        assertThat(d.unackedCount()).isZero();
    }

    @Test
    void deleteLostInRelayCrashIsResentAlthoughVersionsCannotShowIt() throws Exception {
        SharedDocument d = connectedWith("abcdef");
        assertThat(d.unackedCount()).isZero();
        relay.notDurable = true;
        d.delete(1, 2).join(); // "adef": no new seq, the version vector does not change
        settle();
        assertThat(d.unackedCount()).isEqualTo(2);

        relay.crash();
        relay.notDurable = false;
        assertThat(relay.text("doc.txt")).isEqualTo("abcdef");
        member(d).connect();
        settle();

        assertThat(relay.text("doc.txt")).isEqualTo("adef");
        assertThat(d.awaitAllAcked(Duration.ofSeconds(5))).isTrue();
        assertThat(d.unackedCount()).isZero();
    }

    @Test
    void reopenedNonEmptyReplicaSendsItsDeleteSetOnFirstSync() {
        TextDocument journaled = new TextDocument(11);
        journaled.insert(0, "xyz");
        InMemoryRelay.Member c0 = relay.newConnection(9, false);
        SharedDocument seed = open(c0, 99);
        c0.connect();
        settle();
        c0.disconnect();
        // The relay has "xyz" (e.g. from an earlier session); the journaled replica deleted "y" while offline.
        InMemoryRelay.Member c1 = relay.newConnection(1, false);
        SharedDocument first = SharedDocument.open(c1, "doc.txt", journaled);
        open.add(first);
        c1.connect();
        settle();
        first.delete(1, 1).join();
        settle();
        assertThat(relay.text("doc.txt")).isEqualTo("xz");
        first.close();
        open.remove(first);
        c1.disconnect();
        seed.close();
        open.remove(seed);
    }

    @Test
    void rateLimitedUpdateIsResentByAResync() throws Exception {
        SharedDocument d = open(relay.newConnection(1, false), 11);
        List<RelayRejectedException> errors = connectedCollectingErrors(d);
        relay.rateLimitNext = 1;
        d.insert(0, "x").join();

        assertThat(d.awaitAllAcked(Duration.ofSeconds(10))).isTrue();
        assertThat(relay.text("doc.txt")).isEqualTo("x");
        assertThat(errors).singleElement().extracting(RelayRejectedException::code)
                .isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void readOnlyMemberCannotEditAndItsReplicaIsUnchanged() {
        InMemoryRelay.Member c = relay.newConnection(1, true);
        SharedDocument d = open(c, 11);
        c.connect();
        settle();

        assertThatThrownBy(() -> d.insert(0, "x").join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ReadOnlyDocumentException.class);
        assertThat(text(d)).isEmpty();
        assertThat(d.unackedCount()).isZero();
        assertThat(relay.received).noneMatch(m -> m instanceof Message.Update);
    }

    @Test
    void awarenessIsLastWriterWinsAndClearedOnRemovalAndDisconnect() {
        InMemoryRelay.Member ca = relay.newConnection(1, false);
        InMemoryRelay.Member cb = relay.newConnection(2, false);
        SharedDocument a = open(ca, 11);
        SharedDocument b = open(cb, 22);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        b.addAwarenessListener((id, state) -> seen.add(id + "=" + state));
        ca.connect();
        cb.connect();
        settle();

        a.setLocalAwareness("{\"cursor\":1}");
        settle();
        // An older clock from the same client is ignored.
        cb.deliver(new Message.Awareness("doc.txt", 1, 5, "{\"stale\":true}"));
        settle();
        a.setLocalAwareness("{\"cursor\":2}");
        settle();
        cb.deliver(new Message.Awareness("doc.txt", 1, 0, ""));
        settle();
        a.setLocalAwareness("{\"cursor\":3}");
        settle();
        cb.disconnect();
        settle();

        assertThat(seen).containsExactly("1={\"cursor\":1}", "1={\"cursor\":2}", "1=", "1={\"cursor\":3}", "1=");
    }

    @Test
    void ownAwarenessIsResentAfterReconnect() {
        InMemoryRelay.Member c = relay.newConnection(1, false);
        SharedDocument d = open(c, 11);
        d.setLocalAwareness("{\"x\":1}");
        c.connect();
        settle();
        c.disconnect();
        relay.received.clear();
        c.connect();
        settle();

        assertThat(relay.received).filteredOn(m -> m instanceof Message.Awareness).singleElement()
                .satisfies(m -> assertThat(((Message.Awareness) m).state()).isEqualTo("{\"x\":1}"));
    }

    @Test
    void concurrentTypistsWithRandomDisconnectsAndCrashesConverge() throws Exception {
        long seed = Long.getLong("weft.seed", 20261121L);
        SplittableRandom random = new SplittableRandom(seed);
        int n = 3;
        List<InMemoryRelay.Member> conns = new ArrayList<>();
        List<SharedDocument> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InMemoryRelay.Member c = relay.newConnection(i + 1, false);
            conns.add(c);
            docs.add(open(c, 100 + i));
            c.connect();
        }
        for (int step = 0; step < 600; step++) {
            int who = random.nextInt(n);
            SharedDocument d = docs.get(who);
            int roll = random.nextInt(100);
            if (roll < 5) {
                conns.get(who).disconnect();
            } else if (roll < 12) {
                conns.get(who).connect();
            } else if (roll < 14) {
                relay.notDurable = random.nextBoolean();
                relay.withholdAcks = random.nextBoolean();
                relay.crash();
            } else if (roll < 16) {
                relay.rateLimitNext = 1 + random.nextInt(2);
            } else {
                String ins = Character.toString('a' + random.nextInt(26)).repeat(1 + random.nextInt(3));
                double r = random.nextDouble();
                d.edit(t -> {
                    int len = t.length();
                    if (len > 0 && r < 0.3) {
                        int pos = (int) (r * 1000) % len;
                        return t.delete(pos, Math.min(len - pos, 2));
                    }
                    return t.insert((int) (r * 7919) % (len + 1), ins);
                }).join();
            }
        }
        relay.notDurable = false;
        relay.withholdAcks = false;
        relay.rateLimitNext = 0;
        for (InMemoryRelay.Member c : conns) {
            c.disconnect();
            c.connect();
        }
        settle();
        for (SharedDocument d : docs) {
            assertThat(d.awaitAllAcked(Duration.ofSeconds(10))).as("seed %d: all acked", seed).isTrue();
        }
        // A final round of syncs brings everyone to the relay's state.
        for (InMemoryRelay.Member c : conns) {
            c.disconnect();
            c.connect();
        }
        settle();
        String expected = relay.text("doc.txt");
        for (SharedDocument d : docs) {
            assertThat(text(d)).as("seed %d", seed).isEqualTo(expected);
            d.call(t -> {
                t.checkInvariants();
                return null;
            }).join();
        }
    }
}
