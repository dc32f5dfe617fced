package dev.weft.sync;

/** The relay's verdict in a {@link Message.StateCheckReply} ({@code docs/protocol.md}, "State check"). */
public enum StateCheckResult {
    /** The versions differ: the texts are not comparable (operations are in flight); ask again later. */
    DIFFERENT_VERSION(0),
    /** Same version, same text hash: the replicas agree. */
    SAME_TEXT(1),
    /** Same version, different text: the client's replica diverged; the reply carries the relay's state. */
    DIFFERENT_TEXT(2);

    /** Value on the wire. Immutable. */
    public final int wire;

    StateCheckResult(int wire) {
        this.wire = wire;
    }

    /**
     * @throws MalformedMessageException for an unknown value
     */
    public static StateCheckResult fromWire(long wire) {
        for (StateCheckResult r : values()) {
            if (r.wire == wire) {
                return r;
            }
        }
        throw new MalformedMessageException("unknown state check result " + wire);
    }
}
