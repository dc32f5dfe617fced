package dev.weft.crdt.model;

import dev.weft.crdt.model.MalformedUpdateException;

/**
 * Unsigned LEB128 varints over byte arrays: 7 bits per byte, low group first, high bit = "more follows".
 * Readers are bounds-checked and name the field they were reading when the input is truncated or overlong.
 */
public final class Varint {
    private Varint() {
    }

    /** Writes {@code v} at {@code b[p]} as an unsigned varint; the caller has ensured room for 10. Returns the position after it. */
    public static int putVarLong(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    /**
     * Writes the UTF-16 unit {@code c} at {@code b[p]} as a varint of 1 to 3 bytes (the content encoding of
     * docs/crdt-format.md); the caller has ensured room for 3. Returns the position after it.
     */
    public static int putChar(byte[] b, int p, int c) {
        if (c < 0x80) {
            b[p++] = (byte) c;
        } else if (c < 0x4000) {
            b[p++] = (byte) ((c & 0x7F) | 0x80);
            b[p++] = (byte) (c >>> 7);
        } else {
            b[p++] = (byte) ((c & 0x7F) | 0x80);
            b[p++] = (byte) (((c >>> 7) & 0x7F) | 0x80);
            b[p++] = (byte) (c >>> 14);
        }
        return p;
    }

    /** A growable byte buffer with varint writers. Mutable; not thread-safe. */
    public static final class Writer {
        /** The bytes written so far occupy {@code buf[0..size)}; mutable, grows by doubling. */
        private byte[] buf;
        /** Number of bytes written. */
        private int size;

        public Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        public int size() {
            return size;
        }

        public void reset() {
            size = 0;
        }

        private void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
            }
        }

        public void writeByte(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        /** Writes {@code v} as an unsigned varint (negative values take 10 bytes). */
        public void writeVarLong(long v) {
            ensure(10);
            size = Varint.putVarLong(buf, size, v);
        }

        public void writeVarInt(int v) {
            ensure(5);
            while ((v & ~0x7F) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        /** Writes a signed value in zigzag form (small magnitudes → small varints). */
        public void writeZigZag(long v) {
            writeVarLong((v << 1) ^ (v >> 63));
        }

        public void writeBytes(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        /** Writes UTF-16 units {@code src[off..off+len)}, each as a varint (ASCII takes one byte). */
        public void writeChars(char[] src, int off, int len) {
            ensure(len * 3);
            for (int i = off, end = off + len; i < end; i++) {
                putChar(src[i]);
            }
        }

        /** Same as {@link #writeChars(char[], int, int)} for a string range. */
        public void writeChars(String s, int off, int len) {
            ensure(len * 3);
            for (int i = off, end = off + len; i < end; i++) {
                putChar(s.charAt(i));
            }
        }

        /** Writes one UTF-16 unit as a varint of 1 to 3 bytes; the caller has ensured room for 3. */
        private void putChar(int c) {
            size = Varint.putChar(buf, size, c);
        }

        public byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, size);
        }

        /** The backing array itself (valid up to the bytes written), for a writer that copies it once; not a copy. */
        public byte[] buffer() {
            return buf;
        }
    }

    /** A bounds-checked reader; every failure is a {@link MalformedUpdateException} naming the field. */
    public static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        public Reader(byte[] buf, int off, int end) {
            this.buf = buf;
            this.pos = off;
            this.end = end;
        }

        public int position() {
            return pos;
        }

        public int remaining() {
            return end - pos;
        }

        public int readByte(String field) {
            if (pos >= end) {
                throw new MalformedUpdateException("truncated: missing " + field + " at byte " + pos);
            }
            return buf[pos++] & 0xFF;
        }

        /** Reads an unsigned varint of at most 63 bits. */
        public long readVarLong(String field) {
            long v = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                if (pos >= end) {
                    throw new MalformedUpdateException("truncated varint for " + field + " at byte " + pos);
                }
                int b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new MalformedUpdateException("varint for " + field + " longer than 63 bits at byte " + pos);
        }

        /** Reads an unsigned varint and checks {@code 0 <= v <= max}. */
        public int readVarInt(String field, int max) {
            long v = readVarLong(field);
            if (v > max) {
                throw new MalformedUpdateException(field + " = " + v + " exceeds the limit " + max + " (byte " + pos + ")");
            }
            return (int) v;
        }

        public long readZigZag(String field) {
            long v = readVarLong(field);
            return (v >>> 1) ^ -(v & 1);
        }

        /**
         * Reads {@code n} UTF-16 units written by {@link Writer#writeChars(char[], int, int)} into {@code dst[0..n)}
         * (same checks as {@link #readChar()} per unit; a run of one-byte units is copied in a tight loop).
         */
        public void readChars(char[] dst, int n) {
            readChars(dst, 0, n);
        }

        /** Reads {@code n} units written by {@link Writer#writeChars(char[], int, int)} into {@code dst[off ..]}. */
        public void readChars(char[] dst, int off, int n) {
            byte[] b = buf;
            int p = pos;
            int i = off;
            n += off;
            while (i < n) {
                // one-byte units (ASCII): no per-unit bounds check beyond the run's own
                int run = Math.min(n - i, end - p);
                int stop = i + run;
                while (i < stop) {
                    int x = b[p];
                    if (x < 0) {
                        break;
                    }
                    dst[i++] = (char) x;
                    p++;
                }
                if (i == n) {
                    break;
                }
                pos = p;
                dst[i++] = readChar();
                p = pos;
            }
            pos = p;
        }

        /** Reads one UTF-16 unit written by {@link Writer#writeChars(char[], int, int)}. */
        public char readChar() {
            if (pos >= end) {
                throw new MalformedUpdateException("truncated content at byte " + pos);
            }
            int b = buf[pos++];
            if (b >= 0) {
                return (char) b;
            }
            int c = b & 0x7F;
            if (pos >= end) {
                throw new MalformedUpdateException("truncated content at byte " + pos);
            }
            b = buf[pos++];
            c |= (b & 0x7F) << 7;
            if (b >= 0) {
                return (char) c;
            }
            if (pos >= end) {
                throw new MalformedUpdateException("truncated content at byte " + pos);
            }
            b = buf[pos++];
            if (b < 0 || b > 3) {
                throw new MalformedUpdateException("content unit out of UTF-16 range at byte " + (pos - 1));
            }
            return (char) (c | (b << 14));
        }
    }
}
