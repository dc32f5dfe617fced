package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link MessageCodec#decode}: random, mutated and truncated inputs must either decode to a message
 * that re-encodes to the same bytes, or raise {@link MalformedMessageException} — never another exception.
 */
class MessageCodecFuzzTest {
    private static final MessageCodec.Limits LIMITS = MessageCodec.Limits.DEFAULT.withMaxMessageBytes(1 << 16);

    @Test
    void fixedSeedDecoderOnlyThrowsTypedExceptions() {
        fuzz(0x5EEDL, 20_000);
    }

    @Test
    @Tag("slow")
    void manySeedsDecoderOnlyThrowsTypedExceptions() {
        for (long seed = 1; seed <= 200; seed++) {
            fuzz(seed, 20_000);
        }
    }

    private static void fuzz(long seed, int iterations) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> seeds = validEncodings(rnd);
        int decoded = 0;
        for (int i = 0; i < iterations; i++) {
            byte[] input = switch (rnd.nextInt(4)) {
                case 0 -> randomBytes(rnd);
                case 1 -> mutate(rnd, seeds.get(rnd.nextInt(seeds.size())));
                case 2 -> truncate(rnd, seeds.get(rnd.nextInt(seeds.size())));
                default -> mutate(rnd, truncate(rnd, seeds.get(rnd.nextInt(seeds.size()))));
            };
            try {
                Message m = MessageCodec.decode(input, LIMITS);
                decoded++;
                boolean unknownErrorCode = m instanceof Message.Error e && e.code() == ErrorCode.UNKNOWN;
                if (!unknownErrorCode) {
                    assertThat(MessageCodec.encode(m)).as("seed %d iteration %d: decoded message re-encodes", seed, i)
                            .isEqualTo(input);
                }
            } catch (MalformedMessageException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException | Error e) {
                throw new AssertionError("seed " + seed + " iteration " + i + ": " + e + " for input "
                        + java.util.HexFormat.of().formatHex(input), e);
            }
        }
        assertThat(decoded).as("seed %d: some mutated inputs still decode", seed).isPositive();
    }

    private static List<byte[]> validEncodings(SplittableRandom rnd) {
        List<Message> ms = new ArrayList<>(List.of(
                new Message.Hello(1, "room", "secret", 12345, "ann", "#123456"),
                new Message.Welcome(1, Role.EDITOR, List.of("a", "b/c.txt")),
                new Message.Update("doc", new byte[] {0, 1, 2, 3, (byte) 0x80}),
                new Message.Update("", new byte[0]),
                new Message.Awareness("doc", 3, 300, "{\"a\":1}"),
                new Message.DocAdded("x"),
                new Message.Error(ErrorCode.RATE_LIMITED, "slow down", "doc")));
        ms.add(new Message.SyncRequest("doc", Versions.of(1, 5, 300, 2)));
        ms.add(new Message.SyncReply("doc", new byte[] {9, 9}, Versions.of(7, 1)));
        ms.add(new Message.Ack("doc", Versions.of(1, 128)));
        List<byte[]> out = new ArrayList<>();
        for (Message m : ms) {
            out.add(MessageCodec.encode(m));
        }
        return out;
    }

    private static byte[] randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(40)];
        rnd.nextBytes(b);
        if (b.length > 0 && rnd.nextBoolean()) {
            b[0] = 1;
        }
        if (b.length > 1 && rnd.nextBoolean()) {
            b[1] = (byte) (1 + rnd.nextInt(10));
        }
        return b;
    }

    private static byte[] mutate(SplittableRandom rnd, byte[] src) {
        byte[] b = src.clone();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n && b.length > 0; k++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(3)) {
                case 0 -> b[at] = (byte) rnd.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                default -> b[at] = (byte) (rnd.nextBoolean() ? 0xff : 0x00);
            }
        }
        return b;
    }

    private static byte[] truncate(SplittableRandom rnd, byte[] src) {
        return java.util.Arrays.copyOf(src, rnd.nextInt(src.length + 1));
    }
}
