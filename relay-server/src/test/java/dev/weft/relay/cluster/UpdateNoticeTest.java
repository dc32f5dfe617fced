package dev.weft.relay.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The batch wire form of {@link UpdateNotice}: exact round trips, splitting, and hostile bytes. */
class UpdateNoticeTest {
    @Test
    void aRandomBatchRoundTripsExactlyAndInOrderAcrossSplitMessages() {
        SplittableRandom random = new SplittableRandom(Long.getLong("weft.seed", 2026L));
        for (int round = 0; round < 50; round++) {
            long node = random.nextLong();
            List<UpdateNotice> notices = new ArrayList<>();
            int n = random.nextInt(1, 40);
            for (int i = 0; i < n; i++) {
                int size = random.nextInt(10) == 0 ? random.nextInt(UpdateNotice.MAX_INLINE_BYTES - 10,
                        UpdateNotice.MAX_INLINE_BYTES + 10) : random.nextInt(0, 200);
                byte[] update = new byte[size];
                random.nextBytes(update);
                notices.add(new UpdateNotice(node, "room-" + random.nextInt(5), "dir/ü-" + random.nextInt(9) + ".tex",
                        random.nextLong(1, Long.MAX_VALUE), random.nextInt(20) == 0 ? null : update));
            }
            List<byte[]> messages = UpdateNotice.encodeBatch(node, notices);
            List<UpdateNotice> decoded = new ArrayList<>();
            for (byte[] m : messages) {
                assertThat(UpdateNotice.nodeOf(m)).isEqualTo(node);
                List<UpdateNotice> part = UpdateNotice.decodeBatch(m);
                assertThat(part).hasSize(UpdateNotice.countOf(m));
                decoded.addAll(part);
            }
            assertThat(decoded).hasSize(n);
            for (int i = 0; i < n; i++) {
                UpdateNotice want = notices.get(i);
                UpdateNotice got = decoded.get(i);
                assertThat(got.node()).isEqualTo(node);
                assertThat(got.room()).isEqualTo(want.room());
                assertThat(got.doc()).isEqualTo(want.doc());
                assertThat(got.seq()).isEqualTo(want.seq());
                if (want.update() == null || want.update().length > UpdateNotice.MAX_INLINE_BYTES) {
                    assertThat(got.update()).as("left out: read from the log").isNull();
                } else {
                    assertThat(got.update()).isEqualTo(want.update());
                }
            }
        }
    }

    @Test
    void aLargeCommitIsSplitIntoMessagesOfBoundedSize() {
        List<UpdateNotice> notices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            notices.add(new UpdateNotice(3, "room", "doc", i + 1, new byte[200_000]));
        }
        List<byte[]> messages = UpdateNotice.encodeBatch(3, notices);
        assertThat(messages).hasSizeGreaterThan(1);
        for (byte[] m : messages) {
            assertThat(m.length).isLessThan(UpdateNotice.MAX_MESSAGE_BYTES + UpdateNotice.MAX_INLINE_BYTES + 1024);
        }
        assertThat(messages.stream().mapToInt(UpdateNotice::countOf).sum()).isEqualTo(10);
    }

    @Test
    void everyTruncationAndAnotherVersionAreMalformedNoticesNotOtherFailures() {
        byte[] wire = UpdateNotice.encodeBatch(1, List.of(new UpdateNotice(1, "room", "a", 1, new byte[] {1, 2, 3}),
                new UpdateNotice(1, "room", "b", 2, null))).get(0);
        for (int length = 0; length < wire.length; length++) {
            byte[] cut = Arrays.copyOf(wire, length);
            assertThatThrownBy(() -> UpdateNotice.decodeBatch(cut)).as("cut at %d", length)
                    .isInstanceOf(UpdateNotice.MalformedNoticeException.class);
        }
        byte[] longer = Arrays.copyOf(wire, wire.length + 1);
        assertThatThrownBy(() -> UpdateNotice.decodeBatch(longer))
                .isInstanceOf(UpdateNotice.MalformedNoticeException.class).hasMessageContaining("after the 2 notices");
        byte[] version1 = wire.clone();
        version1[0] = 1;
        assertThatThrownBy(() -> UpdateNotice.decodeBatch(version1))
                .isInstanceOf(UpdateNotice.MalformedNoticeException.class).hasMessageContaining("version 1");
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            byte[] mutant = wire.clone();
            mutant[random.nextInt(mutant.length)] = (byte) random.nextInt(256);
            try {
                UpdateNotice.decodeBatch(mutant);
            } catch (UpdateNotice.MalformedNoticeException expected) {
                // a clear error; anything else fails the test
            }
        }
    }
}
