package dev.weft.crdt.sim;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded byte-level mutator for decoder fuzzing (no extra dependencies): bit flips, byte replacement,
 * insertion and deletion, varint overflows, huge lengths, truncation, splicing two inputs, and pure noise.
 */
public final class Mutator {
    private final SplittableRandom rnd;
    private final List<byte[]> corpus;

    public Mutator(long seed, List<byte[]> corpus) {
        this.rnd = new SplittableRandom(seed);
        this.corpus = corpus;
    }

    /** A fresh mutant of a random corpus entry, and a short description of what was done. */
    public Mutant next() {
        byte[] base = corpus.get(rnd.nextInt(corpus.size()));
        int rounds = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0);
        byte[] b = base;
        StringBuilder how = new StringBuilder();
        for (int i = 0; i < rounds; i++) {
            b = mutateOnce(b, how);
        }
        return new Mutant(b, how.toString());
    }

    /** One input and how it was made. */
    public record Mutant(byte[] bytes, String how) {
    }

    private byte[] mutateOnce(byte[] in, StringBuilder how) {
        int k = rnd.nextInt(12);
        int n = in.length;
        switch (k) {
            case 0 -> {
                if (n == 0) {
                    return noise(how);
                }
                byte[] b = in.clone();
                int flips = 1 + rnd.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    int at = rnd.nextInt(n);
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                how.append("flip").append(flips).append(' ');
                return b;
            }
            case 1 -> {
                if (n == 0) {
                    return noise(how);
                }
                byte[] b = in.clone();
                int at = rnd.nextInt(n);
                b[at] = interesting();
                how.append("set@").append(at).append(' ');
                return b;
            }
            case 2 -> {
                int at = rnd.nextInt(n + 1);
                byte[] ins = new byte[1 + rnd.nextInt(4)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = interesting();
                }
                how.append("insert").append(ins.length).append('@').append(at).append(' ');
                return splice(in, at, at, ins);
            }
            case 3 -> {
                if (n == 0) {
                    return noise(how);
                }
                int at = rnd.nextInt(n);
                int len = 1 + rnd.nextInt(Math.min(8, n - at));
                how.append("cut").append(len).append('@').append(at).append(' ');
                return splice(in, at, at + len, new byte[0]);
            }
            case 4 -> {
                // varint that never terminates within 10 bytes, or overflows 64 bits
                int at = rnd.nextInt(n + 1);
                byte[] v = new byte[10 + rnd.nextInt(6)];
                Arrays.fill(v, (byte) 0xFF);
                if (rnd.nextBoolean()) {
                    v[v.length - 1] = 0x7F;
                }
                how.append("varintOverflow@").append(at).append(' ');
                return splice(in, at, Math.min(n, at + rnd.nextInt(2)), v);
            }
            case 5 -> {
                // a huge but well-formed varint where a length or count may be expected
                int at = rnd.nextInt(n + 1);
                long value = switch (rnd.nextInt(4)) {
                    case 0 -> Integer.MAX_VALUE;
                    case 1 -> 0xFFFF_FFFFL;
                    case 2 -> Long.MAX_VALUE;
                    default -> 1L << (20 + rnd.nextInt(40));
                };
                how.append("huge@").append(at).append(' ');
                return splice(in, at, Math.min(n, at + 1), varint(value));
            }
            case 6 -> {
                int at = rnd.nextInt(n + 1);
                how.append("truncate@").append(at).append(' ');
                return Arrays.copyOf(in, at);
            }
            case 7 -> {
                byte[] other = corpus.get(rnd.nextInt(corpus.size()));
                int at = rnd.nextInt(n + 1);
                int from = rnd.nextInt(other.length + 1);
                how.append("splice@").append(at).append(' ');
                byte[] b = Arrays.copyOf(in, at + other.length - from);
                System.arraycopy(other, from, b, at, other.length - from);
                return b;
            }
            case 8 -> {
                if (n < 2) {
                    return noise(how);
                }
                int at = rnd.nextInt(n);
                int len = 1 + rnd.nextInt(Math.min(16, n - at));
                int to = rnd.nextInt(n + 1);
                how.append("dup").append(len).append('@').append(at).append("->").append(to).append(' ');
                return splice(in, to, to, Arrays.copyOfRange(in, at, at + len));
            }
            case 9 -> {
                if (n == 0) {
                    return noise(how);
                }
                byte[] b = in.clone();
                b[0] = interesting();
                how.append("header ");
                return b;
            }
            case 10 -> {
                if (n < 2) {
                    return noise(how);
                }
                byte[] b = in.clone();
                int at = 1 + rnd.nextInt(n - 1);
                b[at] = (byte) (b[at] + (rnd.nextBoolean() ? 1 : -1));
                how.append("inc@").append(at).append(' ');
                return b;
            }
            default -> {
                byte[] b = noise(how);
                if (n > 0 && rnd.nextBoolean()) {
                    b = splice(b, 0, Math.min(1, b.length), new byte[] {in[0]});
                    how.append("(valid header) ");
                }
                return b;
            }
        }
    }

    private byte[] noise(StringBuilder how) {
        byte[] b = new byte[rnd.nextInt(48)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        how.append("noise").append(b.length).append(' ');
        return b;
    }

    private byte interesting() {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> (byte) 0xFF;
            case 2 -> (byte) 0x80;
            case 3 -> 0x7F;
            case 4 -> 1;
            default -> (byte) rnd.nextInt(256);
        };
    }

    /** Unsigned LEB128. */
    public static byte[] varint(long value) {
        byte[] out = new byte[10];
        int i = 0;
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out[i++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[i++] = (byte) v;
        return Arrays.copyOf(out, i);
    }

    static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] b = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, b, 0, from);
        System.arraycopy(insert, 0, b, from, insert.length);
        System.arraycopy(in, to, b, from + insert.length, in.length - to);
        return b;
    }

    public static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 256); i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return b.length > 256 ? sb + "...(" + b.length + " bytes)" : sb.toString();
    }
}
