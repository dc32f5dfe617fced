package dev.weft.relay.rendezvous;

import dev.weft.sync.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The relay's part of direct connections ({@code docs/protocol.md}, "Direct connections"): answers a member's
 * {@code Signal(OFFER)} with the rendezvous UDP port and the room's direct-path keys, and passes offers, answers and
 * candidates between members of one room only. Called on the room's executor.
 */
public final class DirectSignals {
    /** Key size (HMAC-SHA256). */
    public static final int KEY_LEN = 32;

    private DirectSignals() {
    }

    /**
     * Handles {@code m} from {@code from}, a joined member of a room with id {@code room}, whose other members are
     * {@code members} (may include {@code from}).
     *
     * @param editorSecretHash   SHA-256 of the room's editor secret (as stored)
     * @param readOnlySecretHash SHA-256 of the room's read-only secret (as stored)
     * @param udpPort            the rendezvous UDP port, or -1 if the relay runs without one
     * @return null if handled, else why it was refused (for {@code Error(BAD_MESSAGE)}); nothing was sent then
     */
    public static String handle(DirectMember from, Message.Signal m, Collection<? extends DirectMember> members,
                                String room, byte[] editorSecretHash, byte[] readOnlySecretHash, int udpPort) {
        switch (m.kind()) {
            case Message.Signal.OFFER -> {
                if (udpPort < 0) {
                    return "this relay runs without a rendezvous port (--rendezvous-port -1): no direct connections";
                }
                from.send(new Message.Signal(0, Message.Signal.RENDEZVOUS,
                        rendezvous(udpPort, room, editorSecretHash, readOnlySecretHash, from.directEditor())));
                Message.Signal offer = new Message.Signal(from.directClientId(), Message.Signal.OFFER, new byte[0]);
                for (DirectMember other : members) {
                    if (other != from && other.directClientId() != from.directClientId()) {
                        other.send(offer);
                    }
                }
                return null;
            }
            case Message.Signal.ANSWER, Message.Signal.CANDIDATES -> {
                if (m.data().length > 4096) {
                    return "signal data of " + m.data().length + " bytes is over 4096";
                }
                Message.Signal out = new Message.Signal(from.directClientId(), m.kind(), m.data());
                for (DirectMember other : members) {
                    if (other != from && other.directClientId() == m.peer()) {
                        other.send(out);
                    }
                }
                return null;
            }
            case Message.Signal.UP -> {
                from.directRoutes().up(m.peer());
                return null;
            }
            case Message.Signal.DOWN -> {
                from.directRoutes().down(m.peer());
                return null;
            }
            default -> {
                return "signal kind " + m.kind() + " is not one a client sends";
            }
        }
    }

    /**
     * {@code RENDEZVOUS} data: {@code udpPort:u16 ‖ memberKey (32) ‖ editorKey (32, editors only)}, where
     * {@code memberKey = HMAC(SHA-256(readOnlySecret), "weft-direct member key" ‖ room)} and
     * {@code editorKey = HMAC(SHA-256(editorSecret), "weft-direct editor key" ‖ room)}.
     */
    static byte[] rendezvous(int udpPort, String room, byte[] editorSecretHash, byte[] readOnlySecretHash,
                             boolean editor) {
        ByteBuffer b = ByteBuffer.allocate(2 + KEY_LEN * (editor ? 2 : 1));
        b.putShort((short) udpPort);
        b.put(hmac(readOnlySecretHash, "weft-direct member key" + room));
        if (editor) {
            b.put(hmac(editorSecretHash, "weft-direct editor key" + room));
        }
        return b.array();
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
