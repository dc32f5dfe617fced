package dev.weft.sync;

/**
 * Thrown when bytes given to {@link MessageCodec#decode(byte[])} are not a valid message: empty, unsupported protocol
 * version, unknown type, truncated, overlong or negative varint, invalid UTF-8, trailing bytes, or a field over a
 * size limit. The message names the problem and, where known, the field and byte offset.
 */
public class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
