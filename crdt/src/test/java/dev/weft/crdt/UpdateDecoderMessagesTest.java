package dev.weft.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.UpdateTooLargeException;
import org.junit.jupiter.api.Test;

/**
 * The decoder's error messages, one hand-built body per check of the agent table, item table, origins, delete
 * ranges and content (docs/crdt-format.md): each names the field, the item or delete range by index, and the values
 * or byte offset. An item's error is prefixed with {@code item #i: } and keeps the inner error as its cause; a size
 * over the limit is an {@link UpdateTooLargeException} without that prefix. The fuzz tests only check that bad
 * input is refused; these pin what the refusal says, so that a change to the decoder's structure keeps it.
 */
class UpdateDecoderMessagesTest {
    /** Agent table {7}: agent-table index 0 is agent id 7. */
    private static final int[] ONE_AGENT = {1, 7};

    /** Format version 1, no flags, then {@code parts} (each a run of byte values). */
    private static byte[] update(int[]... parts) {
        int n = 2;
        for (int[] p : parts) {
            n += p.length;
        }
        byte[] b = new byte[n];
        b[0] = 1;
        int k = 2;
        for (int[] p : parts) {
            for (int v : p) {
                b[k++] = (byte) v;
            }
        }
        return b;
    }

    /** One item of agent index 0: zigzag seq delta, length, info byte, then any origin fields. */
    private static int[] item(int zigzagSeq, int len, int info, int... origins) {
        int[] it = new int[4 + origins.length];
        it[1] = zigzagSeq;
        it[2] = len;
        it[3] = info;
        System.arraycopy(origins, 0, it, 4, origins.length);
        return it;
    }

    private static void refused(byte[] bytes, String message) {
        assertThatThrownBy(() -> UpdateDecoder.decode(bytes)).isExactlyInstanceOf(MalformedUpdateException.class)
                .hasMessage(message);
    }

    /** An item's error: prefixed with its index, the unprefixed error as the cause. */
    private static void refusedItem(byte[] bytes, int index, String inner) {
        assertThatThrownBy(() -> UpdateDecoder.decode(bytes)).isExactlyInstanceOf(MalformedUpdateException.class)
                .hasMessage("item #" + index + ": " + inner)
                .satisfies(e -> assertThat(e.getCause()).hasMessage(inner));
    }

    @Test
    void aValidOneItemUpdateDecodes() {
        // agent 7, seq 2 (zigzag 4), length 2, no origins, no deletes, content "hi"
        DecodedUpdate u = UpdateDecoder.decode(update(ONE_AGENT, new int[] {1}, item(4, 2, 0), new int[] {0},
                new int[] {'h', 'i'}));
        assertThat(u.agents).containsExactly(7L);
        assertThat(u.nItems).isEqualTo(1);
        assertThat(u.itemSeq(0)).isEqualTo(2);
        assertThat(u.itemLen(0)).isEqualTo(2);
        assertThat(u.olAgent(0)).isEqualTo(DecodedUpdate.NONE);
        assertThat(u.orAgent(0)).isEqualTo(DecodedUpdate.NONE);
        assertThat(new String(u.content)).isEqualTo("hi");
        assertThat(u.storedUnits).isEqualTo(2);
        assertThat(u.nDeletes).isZero();
    }

    @Test
    void agentTable() {
        refused(update(new int[] {2, 5, 5}), "agent 5 listed twice in the agent table");
        refused(update(new int[] {2, 5}), "truncated varint for agent id at byte 4");
    }

    @Test
    void itemIds() {
        refusedItem(update(ONE_AGENT, new int[] {1}, new int[] {1, 0, 1, 0}), 0,
                "item agent index 1 outside the agent table of 1");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 0, 0)), 0, "length 0");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(1, 1, 0)), 0, "seq range [-1, 0) out of bounds");
        // length 129 as a two-byte varint, then the info byte missing
        refusedItem(update(ONE_AGENT, new int[] {1}, new int[] {0, 0, 0x81, 0x01}), 0,
                "truncated: missing item info byte at byte 9");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 2)), 0, "garbage-collected but not deleted");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 0x40)), 0, "info byte has unknown bits 0x40");
    }

    @Test
    void itemUnitsOverTheLimitAreNotPrefixed() {
        // 1 item (9 table entries, within 9), 10 units: over 9
        byte[] bytes = update(ONE_AGENT, new int[] {1}, item(0, 10, 0), new int[] {0});
        assertThatThrownBy(() -> UpdateDecoder.decode(bytes, 9)).isExactlyInstanceOf(UpdateTooLargeException.class)
                .hasMessage("update decodes to 10 item units (garbage-collected runs included), over the maximum of 9");
        assertThatThrownBy(() -> UpdateDecoder.decode(bytes, 8)).isExactlyInstanceOf(UpdateTooLargeException.class)
                .hasMessage("update decodes to 9 item-table entries, over the maximum of 8");
    }

    @Test
    void origins() {
        int[] two = {2};
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 1 << 2)), 0,
                "originLeft = previous seq but its seq is 0");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 2 << 2)), 0,
                "originLeft = previous item but there is none");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 3 << 2, 0)), 0,
                "truncated varint for originLeft seq at byte 10");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 1 << 4)), 0,
                "originRight = next item but there is none");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 2 << 4)), 0,
                "originRight = previous item's but there is none");
        refusedItem(update(ONE_AGENT, new int[] {1}, item(0, 1, 3 << 4, 1, 0)), 0,
                "originRight agent index 1 outside the agent table of 1");
        refusedItem(update(ONE_AGENT, two, item(0, 1, 1 << 4), item(0, 1, 2 << 4)), 1,
                "copies an originRight that is not known yet");
        refused(update(ONE_AGENT, new int[] {1}, item(0, 1, 3 << 2, 0, 0), new int[] {0, 'x'}),
                "item #0 (7,0) has originLeft seq 0, not before itself");
        refused(update(ONE_AGENT, new int[] {1}, item(0, 1, 3 << 4, 0, 5), new int[] {0, 'x'}),
                "item #0 (7,0) has originRight seq 5, not an earlier id of its agent");
    }

    @Test
    void originsThatReferToNeighboursResolve() {
        // agents {7, 8}; item 0: agent 7, seqs 0-1, originRight = next item (resolved after the table);
        // item 1: agent 8, seq 0, originLeft = the previous item's last id
        DecodedUpdate u = UpdateDecoder.decode(update(new int[] {2, 7, 8}, new int[] {2}, new int[] {0, 0, 2, 1 << 4},
                new int[] {1, 0, 1, 2 << 2}, new int[] {0, 'a', 'b', 'c'}));
        assertThat(u.orAgent(0)).isEqualTo(1);
        assertThat(u.orSeq(0)).isZero();
        assertThat(u.olAgent(1)).isZero();
        assertThat(u.olSeq(1)).isEqualTo(1);
        assertThat(new String(u.content)).isEqualTo("abc");
    }

    @Test
    void deletesAndContent() {
        int[] noItems = {0};
        refused(update(ONE_AGENT, noItems, new int[] {1, 0, 0, 0}), "delete #0 has length 0");
        refused(update(ONE_AGENT, noItems, new int[] {2, 0, 0, 1, 0, 3, 1}),
                "delete #1 range [-1, 0) out of bounds");
        refused(update(ONE_AGENT, noItems, new int[] {1, 1, 0, 1}),
                "delete agent index 1 outside the agent table of 1");
        refused(update(ONE_AGENT, new int[] {1}, item(0, 3, 0), new int[] {0, 'x'}),
                "truncated content: items need 3 units, 1 bytes left");
        refused(update(ONE_AGENT, new int[] {1}, item(0, 1, 0), new int[] {0, 'x', 'y'}),
                "1 trailing bytes after the content");
    }
}
