package dev.weft.sync;

/** What a member of a room may do; decided by which of the room's secrets it presented in {@link Message.Hello}. */
public enum Role {
    /** May read every document, create documents and send updates. Wire value 1. */
    EDITOR(1),
    /** Receives every document and update, but its updates and document creations are refused. Wire value 2. */
    READ_ONLY(2);

    /** The byte that encodes this role on the wire; immutable. */
    final int wire;

    Role(int wire) {
        this.wire = wire;
    }

    static Role fromWire(int value) {
        for (Role r : values()) {
            if (r.wire == value) {
                return r;
            }
        }
        throw new MalformedMessageException("unknown role " + value + " (expected 1 EDITOR or 2 READ_ONLY)");
    }
}
