package dev.weft.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.crdt.model.UpdateTooLargeException;
import org.junit.jupiter.api.Test;

/**
 * A garbage-collected run is a few bytes on the wire whatever its length, but a replica stores its seqs: the decode
 * limit for untrusted updates counts it, so a tiny update cannot make a replica allocate gigabytes.
 */
class GarbageCollectedRunLimitTest {
    /**
     * Format 1, not deflated; one agent (id 5); one item: agent #0, seq 0, length 2,000,000,000, deleted and
     * garbage-collected, no origins; no delete ranges; no content.
     */
    static final byte[] HUGE_COLLECTED_RUN = {1, 0, 1, 5, 1, 0, 0,
        (byte) 0x80, (byte) 0xA8, (byte) 0xD6, (byte) 0xB9, 0x07, 3, 0};

    @Test
    void aFourteenByteUpdateDeclaringTwoBillionCollectedUnitsIsRefusedBeforeAnyAllocation() {
        assertThat(HUGE_COLLECTED_RUN).hasSize(14);
        assertThatThrownBy(() -> UpdateDecoder.decode(HUGE_COLLECTED_RUN, 1 << 20))
                .isInstanceOf(UpdateTooLargeException.class).hasMessageContaining("garbage-collected");
        TextDocument doc = new TextDocument(9);
        doc.insert(0, "kept");
        assertThatThrownBy(() -> doc.applyUpdate(HUGE_COLLECTED_RUN, 1 << 20))
                .isInstanceOf(UpdateTooLargeException.class);
        assertThat(doc.getText()).isEqualTo("kept");
        doc.checkInvariants();
    }

    @Test
    void aCollectedRunCountsItsUnitsAgainstTheLimitAndLoadsUnderIt() {
        TextDocument a = new TextDocument(1, new TextDocument.Options(true));
        a.insert(0, "x".repeat(100));
        a.delete(0, 100);
        a.insert(0, "live");
        byte[] state = a.encodeStateAsUpdate();
        DecodedUpdate decoded = UpdateDecoder.decode(state, 1000);
        // the collected run carries no content: its units are not on the wire, its storage stays zero
        long unitsOnTheWire = 0;
        for (int i = 0; i < decoded.nItems; i++) {
            if (decoded.contentArray(i) != null) {
                unitsOnTheWire += decoded.itemLen(i);
            }
        }
        assertThat(unitsOnTheWire).isLessThan(100);
        assertThat(decoded.storedUnits).isEqualTo(104);
        assertThatThrownBy(() -> UpdateDecoder.decode(state, 103)).isInstanceOf(UpdateTooLargeException.class);
        TextDocument b = new TextDocument(2);
        b.applyUpdate(state, 104);
        assertThat(b.getText()).isEqualTo("live");
        b.checkInvariants();
    }
}
