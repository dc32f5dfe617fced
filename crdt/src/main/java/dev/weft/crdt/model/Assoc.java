package dev.weft.crdt.model;

/** Which neighbour a {@link RelativePosition} sticks to. */
public enum Assoc {
    /** Attach to the character at the offset (the position stays before it). */
    AFTER,
    /** Attach to the character before the offset (the position stays after it). */
    BEFORE
}
