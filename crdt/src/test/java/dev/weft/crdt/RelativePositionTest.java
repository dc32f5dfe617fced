package dev.weft.crdt;

import dev.weft.crdt.model.Assoc;
import dev.weft.crdt.model.RelativePosition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.TextGen;
import dev.weft.crdt.sim.ThreePeers;
import org.junit.jupiter.api.Test;

/**
 * Relative positions (cursors) follow their character through local and remote edits, resolve to where the
 * character stood once it is deleted, survive an encode/decode round trip, and resolve to -1 when unknown.
 */
class RelativePositionTest extends ThreePeers {
    @Test
    void positionResolvesToItsOffsetRightAway() {
        a.insert(0, "hello 😀 world");
        for (int o = 0; o <= a.text().length(); o++) {
            if (TextGen.splitsPair(a.text(), o)) {
                continue;
            }
            for (Assoc assoc : Assoc.values()) {
                assertThat(a.doc.resolve(a.doc.relativePosition(o, assoc))).as("offset %d %s", o, assoc)
                    .isEqualTo(o);
            }
        }
    }

    @Test
    void cursorStaysOnItsCharacterWhileOthersInsertBeforeAndAfter() {
        shareFromAToB("abcdef");
        RelativePosition onD = a.doc.relativePosition(3, Assoc.AFTER);   // before 'd'
        RelativePosition afterC = a.doc.relativePosition(3, Assoc.BEFORE); // after 'c'

        b.insert(0, "XX");     // before
        b.insert(7, "YYY");    // after
        b.insert(5, "-");      // exactly at the cursor: between c and d
        a.pullFrom(b);
        assertThat(a.text()).isEqualTo("XXabc-deYYYf");
        assertThat(a.doc.resolve(onD)).as("AFTER sticks to d").isEqualTo(a.text().indexOf('d'));
        assertThat(a.doc.resolve(afterC)).as("BEFORE sticks to c").isEqualTo(a.text().indexOf('c') + 1);
        // The position is valid on every replica, since it names the character, not an offset.
        assertThat(b.doc.resolve(onD)).isEqualTo(b.text().indexOf('d'));
        assertThat(b.doc.resolve(afterC)).isEqualTo(b.text().indexOf('c') + 1);
    }

    @Test
    void cursorOnDeletedCharacterResolvesToWhereItStood() {
        shareFromAToB("abcdef");
        RelativePosition onC = a.doc.relativePosition(2, Assoc.AFTER);
        RelativePosition afterC = a.doc.relativePosition(3, Assoc.BEFORE);
        b.delete(1, 3); // "bcd"
        a.pullFrom(b);
        assertThat(a.text()).isEqualTo("aef");
        assertThat(a.doc.resolve(onC)).isEqualTo(1);
        assertThat(a.doc.resolve(afterC)).isEqualTo(1);
        b.insert(0, "123");
        a.pullFrom(b);
        assertThat(a.doc.resolve(onC)).isEqualTo(4);
        assertThat(a.doc.resolve(afterC)).isEqualTo(4);
    }

    @Test
    void cursorFollowsItsCharacterThroughRandomEdits() {
        Peer.forSeeds(40, (seed, rnd, a, b) -> {
            // Marker '#' is the only such character, so its offset is easy to find.
            a.insert(0, "0123456789#0123456789");
            b.pullFrom(a);
            RelativePosition onMarker = a.doc.relativePosition(10, Assoc.AFTER);
            RelativePosition afterMarker = a.doc.relativePosition(11, Assoc.BEFORE);
            for (int i = 0; i < 40; i++) {
                Peer p = rnd.nextBoolean() ? a : b;
                String t = p.text();
                int marker = t.indexOf('#');
                if (rnd.nextInt(3) == 0 && t.length() > 1) {
                    int pos = TextGen.position(rnd, t);
                    int end = TextGen.snap(t, pos + 1 + rnd.nextInt(3));
                    if (end > pos && !(pos <= marker && marker < end)) {
                        p.delete(pos, end - pos);
                    }
                } else {
                    p.insert(TextGen.position(rnd, t), TextGen.text(rnd, 1 + rnd.nextInt(3)).replace('#', '.'));
                }
                if (rnd.nextInt(4) == 0) {
                    Peer.syncAndAssertConverged(a, b);
                }
                for (Peer q : new Peer[] {a, b}) {
                    int m = q.text().indexOf('#');
                    assertThat(q.doc.resolve(onMarker)).as("seed=%d step %d %s", seed, i, q).isEqualTo(m);
                    assertThat(q.doc.resolve(afterMarker)).as("seed=%d step %d %s", seed, i, q).isEqualTo(m + 1);
                }
            }
        });
    }

    @Test
    void encodeDecodeRoundTrip() {
        TextDocument d = new TextDocument(123_456_789_012L);
        d.insert(0, "some text");
        for (int o = 0; o <= d.length(); o++) {
            for (Assoc assoc : Assoc.values()) {
                RelativePosition p = d.relativePosition(o, assoc);
                RelativePosition back = RelativePosition.decode(p.encode());
                assertThat(back).isEqualTo(p);
                assertThat(d.resolve(back)).isEqualTo(o);
            }
        }
        RelativePosition big = new RelativePosition((1L << 53) - 1, 1L << 40, Assoc.BEFORE);
        assertThat(RelativePosition.decode(big.encode())).isEqualTo(big);
    }

    @Test
    void unknownIdResolvesToMinusOne() {
        a.insert(0, "abc");
        b.insert(0, "xyz");
        RelativePosition onA = a.doc.relativePosition(1, Assoc.AFTER);
        assertThat(b.doc.resolve(onA)).as("b has not seen a's text").isEqualTo(-1);
        assertThat(b.doc.resolve(new RelativePosition(999, 0, Assoc.AFTER))).isEqualTo(-1);
        assertThat(b.doc.resolve(new RelativePosition(2, 50, Assoc.BEFORE))).as("seq beyond b's own").isEqualTo(-1);
        b.pullFrom(a);
        assertThat(b.doc.resolve(onA)).isEqualTo(b.text().indexOf('b'));
    }
}
