package dev.weft.client;

/** How a comparison of a replica with the room's ended ({@link SharedDocument#checkWithRoom()}). */
public enum RoomCheckOutcome {
    /** Same version and same text as the relay's replica. */
    SAME,
    /** Same version, different text: the replica was replaced by the relay's state and the change reported. */
    REPAIRED,
    /** Operations were in flight (versions or text changed meanwhile): nothing could be compared; try later. */
    NOT_COMPARABLE,
    /** Not checked now: not synced, local operations unacknowledged, or not answered in time. */
    NOT_CHECKED,
    /** The relay does not answer {@code StateCheck} (an older relay): checks are off until the next connection. */
    UNSUPPORTED
}
