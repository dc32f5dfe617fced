package dev.weft.client.paths;

/** A name from the network that must not become a path here; the message says which rule it breaks. */
public final class UnsafeNameException extends Exception {
    /** The offending name, as received. Immutable. */
    private final String name;

    public UnsafeNameException(String name, String message) {
        super(message);
        this.name = name;
    }

    public String name() {
        return name;
    }
}
