package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static Message roundTrip(Message m) {
        byte[] bytes = MessageCodec.encode(m);
        assertThat(bytes[0]).isEqualTo((byte) MessageCodec.PROTOCOL_VERSION);
        Message back = MessageCodec.decode(bytes);
        assertThat(back).isEqualTo(m);
        assertThat(MessageCodec.encode(back)).isEqualTo(bytes);
        assertThat(MessageCodec.decodeBase64(MessageCodec.encodeBase64(m), MessageCodec.Limits.DEFAULT)).isEqualTo(m);
        return back;
    }

    @Test
    void messagesWithoutVersionsRoundTrip() {
        roundTrip(new Message.Hello(1, "room-Ab_9", "s3cr3t", 9007199254740991L, "Zoë 🧵", "#ff00aa"));
        roundTrip(new Message.Welcome(1, Role.EDITOR, List.of("src/Main.java", "README.md")));
        roundTrip(new Message.Welcome(1, Role.READ_ONLY, List.of()));
        roundTrip(new Message.Update("a.txt", new byte[] {1, 2, 3}));
        roundTrip(new Message.Awareness("a.txt", 42, 7, "{\"cursor\":[1,2]}"));
        roundTrip(new Message.Awareness("", 42, Long.MAX_VALUE, ""));
        roundTrip(new Message.DocAdded("dir/ü.txt"));
        roundTrip(new Message.Error(ErrorCode.READ_ONLY, "read-only members cannot send updates", "a.txt"));
        roundTrip(new Message.Error(ErrorCode.AUTH_FAILED, "wrong secret"));
    }

    @Test
    void messagesWithVersionsRoundTrip() {
        roundTrip(new Message.SyncRequest("a.txt", Versions.of()));
        roundTrip(new Message.SyncRequest("a.txt", Versions.of(5, 10, 1, 3, (1L << 53) - 1, 1)));
        roundTrip(new Message.SyncReply("a.txt", new byte[] {0, 0, 9}, Versions.of(1, 2)));
        roundTrip(new Message.Ack("a.txt", Versions.of(77, 1_000_000)));
        roundTrip(new Message.StateCheck("a.txt", Versions.of(5, 10), new byte[32]));
        roundTrip(new Message.StateCheckReply("a.txt", Versions.of(5, 10), StateCheckResult.SAME_TEXT, new byte[0]));
        roundTrip(new Message.StateCheckReply("a.txt", Versions.of(), StateCheckResult.DIFFERENT_TEXT,
                new byte[] {0, 1, 2}));
    }

    @Test
    void directUpdatesAndSignalsRoundTrip() {
        roundTrip(new Message.DirectUpdate("a.txt", new byte[] {1, 2, 3}, java.util.List.of()));
        roundTrip(new Message.DirectUpdate("a.txt", new byte[0], java.util.List.of(3L, 9L, (1L << 53) - 1)));
        roundTrip(new Message.Signal(0, Message.Signal.OFFER, new byte[0]));
        roundTrip(new Message.Signal(42, Message.Signal.CANDIDATES, "10.0.0.1:4000\n".getBytes()));
    }

    @Test
    void aDirectUpdateWithUnorderedSkipIdsIsMalformed() {
        byte[] good = MessageCodec.encode(new Message.DirectUpdate("a", new byte[0], java.util.List.of(5L, 7L)));
        byte[] swapped = good.clone();
        swapped[swapped.length - 2] = 7;
        swapped[swapped.length - 1] = 5;
        assertThatThrownBy(() -> MessageCodec.decode(swapped)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("ascending");
    }

    @Test
    void stateCheckWithAHashThatIsNotSha256SizedIsMalformed() {
        byte[] good = MessageCodec.encode(new Message.StateCheck("a", Versions.of(1, 1), new byte[32]));
        byte[] shorter = java.util.Arrays.copyOf(good, good.length - 1);
        shorter[shorter.length - 32] = 31; // the bytes length prefix: 31 instead of 32
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageCodec.decode(shorter))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("textSha256");
    }

    @Test
    void syncBatchesRoundTripIncludingEmptyAndLastFlag() {
        roundTrip(new Message.SyncBatchRequest(0, List.of()));
        roundTrip(new Message.SyncBatchRequest(7, List.of(new Message.SyncRequest("a.txt", Versions.of()),
                new Message.SyncRequest("dir/b.md", Versions.of(5, 10, 1, 3)))));
        roundTrip(new Message.SyncBatchReply(7, false, List.of(new Message.SyncReply("a.txt", new byte[] {0, 0, 9},
                Versions.of(1, 2)))));
        roundTrip(new Message.SyncBatchReply(7, true, List.of()));
    }

    @Test
    void syncBatchWithBadLastFlagOrTooManyEntriesIsMalformed() {
        assertMalformed(new byte[] {1, MessageCodec.SYNC_BATCH_REPLY, 7, 2, 0}, "flag last at offset 3 is 2");
        // 3 entries claimed, 2 bytes left: refused before allocating.
        assertMalformed(new byte[] {1, MessageCodec.SYNC_BATCH_REQUEST, 0, 3, 0, 0}, "only 2 bytes remain");
    }

    @Test
    void arbitraryUpdateBytesRoundTripIntactIncludingEmptyAndZeroLeading() {
        byte[][] payloads = {new byte[0], {0}, {0, 0, 0, 1}, {0, (byte) 0xff, 0x7f, (byte) 0x80},
                "4:abc".getBytes(StandardCharsets.US_ASCII), new byte[70_000]};
        for (byte[] p : payloads) {
            Message.Update back = (Message.Update) roundTrip(new Message.Update("d", p));
            assertThat(back.update()).containsExactly(p);
        }
    }

    @Test
    void emptyInputIsRejected() {
        assertMalformed(new byte[0], "empty message");
    }

    @Test
    void unsupportedProtocolVersionIsNamed() {
        assertMalformed(new byte[] {2, MessageCodec.DOC_ADDED, 0}, "unsupported protocol version 2");
    }

    @Test
    void unknownTypeIsNamed() {
        assertMalformed(new byte[] {1, 99}, "unknown message type 99");
        assertMalformed(new byte[] {1}, "missing type byte");
    }

    @Test
    void truncatedFieldIsNamed() {
        byte[] full = MessageCodec.encode(new Message.Update("doc", new byte[] {1, 2, 3}));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 1);
        assertMalformed(cut, "field update");
        assertMalformed(new byte[] {1, MessageCodec.DOC_ADDED, (byte) 0x80}, "truncated varint");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] full = MessageCodec.encode(new Message.DocAdded("doc"));
        byte[] longer = java.util.Arrays.copyOf(full, full.length + 1);
        assertMalformed(longer, "1 trailing bytes");
    }

    @Test
    void overlongAndNegativeVarintsAreRejected() {
        // "doc" length 3 written as 0x83 0x00 (overlong).
        assertMalformed(new byte[] {1, MessageCodec.DOC_ADDED, (byte) 0x83, 0, 'a', 'b', 'c'}, "overlong varint");
        byte[] negative = {1, MessageCodec.AWARENESS, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0, 0};
        assertMalformed(negative, "non-negative 63-bit");
    }

    @Test
    void invalidUtf8IsRejected() {
        assertMalformed(new byte[] {1, MessageCodec.DOC_ADDED, 2, (byte) 0xc3, 0x28}, "not valid UTF-8");
    }

    @Test
    void sizeLimitsAreEnforcedBeforeAllocation() {
        MessageCodec.Limits small = MessageCodec.Limits.DEFAULT.withMaxMessageBytes(100);
        byte[] big = MessageCodec.encode(new Message.Update("d", new byte[200]));
        assertThatThrownBy(() -> MessageCodec.decode(big, small))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("exceeds the limit of 100");
        // Claims a 2^31-byte update in a 10-byte message: refused, not allocated.
        byte[] liar = {1, MessageCodec.UPDATE, 1, 'd', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        assertMalformed(liar, "field update");
        String longName = "x".repeat(MessageCodec.Limits.DEFAULT.maxStringBytes() + 1);
        assertMalformed(MessageCodec.encode(new Message.DocAdded(longName)), "over the limit of 4096");
        assertThatThrownBy(() -> MessageCodec.decodeBase64("A".repeat(200), small))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void versionVectorsMustBeCanonical() {
        // SyncRequest "d" with entries (5,1),(3,1): agents not ascending.
        assertMalformed(new byte[] {1, MessageCodec.SYNC_REQUEST, 1, 'd', 2, 5, 1, 3, 1}, "strictly ascending");
        assertMalformed(new byte[] {1, MessageCodec.SYNC_REQUEST, 1, 'd', 1, 5, 0}, "nextSeq must be at least 1");
    }

    @Test
    void unknownRoleIsRejectedButUnknownErrorCodeDecodes() {
        assertMalformed(new byte[] {1, MessageCodec.WELCOME, 1, 9, 0}, "unknown role 9");
        Message m = MessageCodec.decode(new byte[] {1, MessageCodec.ERROR, 100, 0, 0});
        assertThat(m).isEqualTo(new Message.Error(ErrorCode.UNKNOWN, ""));
    }

    @Test
    void badBase64IsMalformed() {
        assertThatThrownBy(() -> MessageCodec.decodeBase64("not base64!", MessageCodec.Limits.DEFAULT))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("base64");
        assertThatThrownBy(() -> MessageCodec.decodeBase64(null, MessageCodec.Limits.DEFAULT))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void helloToStringHidesTheSecret() {
        assertThat(new Message.Hello(1, "r", "topsecret", 1, "u", "#000000").toString()).doesNotContain("topsecret");
    }

    @Test
    void negativeIdsAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new Message.Awareness("d", -1, 0, "")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertMalformed(byte[] bytes, String expectedMessagePart) {
        assertThatThrownBy(() -> MessageCodec.decode(bytes))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(expectedMessagePart);
    }
}
