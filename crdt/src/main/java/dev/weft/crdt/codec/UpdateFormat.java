package dev.weft.crdt.codec;

/** Constants of the update format, version 1 (docs/crdt-format.md). */
final class UpdateFormat {
    private UpdateFormat() {
    }

    /** First byte of every update. */
    static final int VERSION = 1;
    /** Header flag: the payload is raw DEFLATE, preceded by its inflated length. */
    static final int FLAG_DEFLATED = 1;
    /** Header flag: the items are a whole state in document order. */
    static final int FLAG_SNAPSHOT = 2;
    static final int KNOWN_FLAGS = FLAG_DEFLATED | FLAG_SNAPSHOT;

    /** Item info byte: bits 0-1 are DELETED/GC, bits 2-3 the originLeft kind, bits 4-5 the originRight kind. */
    static final int OL_NONE = 0, OL_PREV_SEQ = 1, OL_PREV_ITEM = 2, OL_EXPLICIT = 3;
    static final int OR_NONE = 0, OR_NEXT_ITEM = 1, OR_SAME_AS_PREV = 2, OR_EXPLICIT = 3;

    /** Largest seq + len accepted. */
    static final int MAX_SEQ = Integer.MAX_VALUE - 1;
    /** Payloads at least this long are compressed when that makes them smaller. */
    static final int DEFLATE_THRESHOLD = 256;
    /** Largest inflated payload accepted (guards against compression bombs). */
    static final int MAX_INFLATED = 1 << 26;
}
