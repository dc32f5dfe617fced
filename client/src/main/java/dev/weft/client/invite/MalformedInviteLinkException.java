package dev.weft.client.invite;

/** An invite link that is not {@code weft://join?relay=…&room=…&secret=…}; the message names what is wrong. */
public final class MalformedInviteLinkException extends IllegalArgumentException {
    public MalformedInviteLinkException(String message) {
        super(message);
    }
}
