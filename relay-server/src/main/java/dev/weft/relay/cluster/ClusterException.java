package dev.weft.relay.cluster;

/** The cluster's message bus (Redis) cannot be used; the message names the server and the reason. */
public final class ClusterException extends RuntimeException {
    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
