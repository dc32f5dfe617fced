package dev.weft.crdt.model;

/**
 * Thrown when an update would decode to more than the caller's maximum decoded length (see
 * {@code UpdateDecoder.decode(byte[], int)}): raised from the update's declared or counted sizes, before the decoder
 * allocates them. The replica that was asked to apply it is unchanged.
 */
public class UpdateTooLargeException extends MalformedUpdateException {
    /** What the update would decode to (in the units of {@link #what}); immutable. */
    private final long decodedLength;
    /** The maximum that was given; immutable. */
    private final long limit;
    /** Which size was over: "inflated payload bytes", "content units" or "item-table entries"; immutable. */
    private final String what;

    public UpdateTooLargeException(String what, long decodedLength, long limit) {
        super("update decodes to " + decodedLength + " " + what + ", over the maximum of " + limit);
        this.what = what;
        this.decodedLength = decodedLength;
        this.limit = limit;
    }

    public long decodedLength() {
        return decodedLength;
    }

    public long limit() {
        return limit;
    }

    public String what() {
        return what;
    }
}
