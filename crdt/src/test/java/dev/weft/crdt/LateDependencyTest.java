package dev.weft.crdt;

import dev.weft.crdt.model.TextChange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.ThreePeers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Updates that arrive before their dependencies are buffered (never dropped, never an exception), reported by
 * {@link TextDocument#hasPendingUpdates()}, excluded from the version, and integrated — with their change
 * events — as soon as the missing updates arrive.
 */
class LateDependencyTest extends ThreePeers {
    @Test
    void typingDeliveredInReverseOrderIsBufferedThenIntegrated() {
        byte[] u1 = a.insert(0, "a").update();
        byte[] u2 = a.insert(1, "b").update();
        byte[] u3 = a.insert(2, "c").update();

        assertThat(b.apply(u3)).isEmpty();
        assertThat(b.doc.hasPendingUpdates()).isTrue();
        assertThat(b.text()).isEmpty();
        assertThat(b.doc.version().get(1)).as("buffered ops are not in the version").isZero();

        assertThat(b.apply(u2)).isEmpty();
        assertThat(b.doc.hasPendingUpdates()).isTrue();

        List<TextChange> changes = b.apply(u1);
        assertThat(changes).as("changes of the buffered updates are reported when they integrate").isNotEmpty();
        assertThat(b.shadow.text()).isEqualTo("abc");
        assertThat(b.doc.hasPendingUpdates()).isFalse();
        assertThat(b.doc.version().get(1)).isEqualTo(3);
        Peer.assertConverged(a, b);
    }

    @Test
    void deleteDeliveredBeforeTheInsertItDeletesIsBufferedNotDropped() {
        byte[] ins = a.insert(0, "hello").update();
        byte[] del = a.delete(1, 3).update();

        assertThat(b.apply(del)).isEmpty();
        assertThat(b.doc.hasPendingUpdates()).as("a delete of unknown ids waits").isTrue();
        b.apply(ins);
        assertThat(b.text()).isEqualTo("ho");
        assertThat(b.doc.hasPendingUpdates()).isFalse();
        Peer.assertConverged(a, b);
    }

    @Test
    void insertAnchoredOnAThirdReplicasTextWaitsForIt() {
        byte[] base = a.insert(0, "ab").update();
        b.apply(base);
        byte[] x = b.insert(1, "X").update();

        assertThat(c.apply(x)).isEmpty();
        assertThat(c.doc.hasPendingUpdates()).isTrue();
        assertThat(c.doc.version().get(2)).isZero();
        c.apply(base);
        assertThat(c.text()).isEqualTo("aXb");
        assertThat(c.doc.hasPendingUpdates()).isFalse();
        assertThat(c.doc.version().get(2)).isEqualTo(1);
    }

    @Test
    void bufferedUpdateSurvivesDuplicatesAndUnrelatedUpdates() {
        byte[] u1 = a.insert(0, "one ").update();
        byte[] u2 = a.insert(4, "two").update();
        byte[] other = c.insert(0, "zzz").update();

        b.apply(u2);
        b.apply(u2);
        b.apply(other);
        b.apply(u2);
        assertThat(b.text()).isEqualTo("zzz");
        assertThat(b.doc.hasPendingUpdates()).isTrue();
        b.apply(u1);
        assertThat(b.doc.hasPendingUpdates()).isFalse();
        assertThat(b.text()).contains("one two").contains("zzz");
        a.apply(other);
        Peer.assertConverged(a, b);
    }

    @Test
    void fullStateFromElsewhereReleasesBufferedUpdates() {
        a.insert(0, "base");
        byte[] later = a.insert(4, "!").update();
        b.apply(later);
        assertThat(b.doc.hasPendingUpdates()).isTrue();
        b.apply(a.doc.encodeStateAsUpdate());
        assertThat(b.doc.hasPendingUpdates()).isFalse();
        Peer.assertConverged(a, b);
    }

    /** A replica holding only buffered updates is not "empty": loading a full state must keep them. */
    @Test
    void pendingUpdateSurvivesAFullStateLoadIntoAnOtherwiseEmptyReplica() {
        a.insert(0, "x");
        Peer snapshotHolder = new Peer("s", 3);
        snapshotHolder.pullFrom(a);
        byte[] stateWithX = snapshotHolder.doc.encodeStateAsUpdate();
        byte[] y = a.insert(1, "y").update();
        Peer other = new Peer("o", 4);
        byte[] z = other.insert(0, "z").update();
        byte[] zz = other.insert(1, "z").update();

        b.apply(y);                          // waits for x
        b.apply(zz);                         // waits for the first z
        assertThat(b.doc.hasPendingUpdates()).isTrue();
        b.apply(stateWithX);                 // brings x: y integrates; zz still waits
        assertThat(b.text()).isEqualTo("xy");
        assertThat(b.doc.hasPendingUpdates()).isTrue();
        b.apply(z);
        assertThat(b.doc.hasPendingUpdates()).isFalse();
        a.apply(z);
        a.apply(zz);
        Peer.assertConverged(a, b);
    }

    @Test
    void pendingDeleteSurvivesAFullStateLoadThatBringsItsTarget() {
        a.insert(0, "hello");
        byte[] stateBeforeDelete = a.doc.encodeStateAsUpdate();
        byte[] del = a.delete(0, 4).update();
        b.apply(del);                        // deletes ids b does not know yet
        b.apply(stateBeforeDelete);          // a snapshot into a replica with nothing integrated yet
        assertThat(b.text()).isEqualTo("o");
        assertThat(b.doc.hasPendingUpdates()).isFalse();
        Peer.assertConverged(a, b);
    }

    @Test
    void chainOfDependenciesAcrossThreeAgentsIntegratesInOneCall() {
        Peer late = new Peer("late", 4);
        byte[] ua = a.insert(0, "[]").update();
        b.apply(ua);
        byte[] ub = b.insert(1, "bb").update();
        c.apply(ua);
        c.apply(ub);
        byte[] uc = c.insert(2, "c").update();
        byte[] ucDel = c.delete(0, 1).update();

        late.apply(ucDel);
        late.apply(uc);
        late.apply(ub);
        assertThat(late.text()).isEmpty();
        assertThat(late.doc.hasPendingUpdates()).isTrue();
        List<TextChange> changes = late.apply(ua);
        assertThat(changes).isNotEmpty();
        assertThat(late.text()).isEqualTo("bcb]");
        assertThat(late.doc.hasPendingUpdates()).isFalse();
        Peer.assertConverged(c, late);
    }
}
