package dev.weft.client.direct;

import dev.weft.client.lan.secure.HandshakeFailedException;
import dev.weft.client.lan.secure.RoomKeys;
import dev.weft.client.lan.secure.SecureChannel;
import dev.weft.sync.MalformedMessageException;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One authenticated direct link to another member over a QUIC stream: the LAN handshake with the room's
 * direct-path keys (mutual proof of the member key, AES-256-GCM frames), then {@code Hello} each way carrying the
 * editor proof, so a read-only member is known as one. Frames: one encoded message each; an empty frame is a ping.
 */
final class DirectLink implements AutoCloseable {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-direct-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** The other member's client id; immutable. */
    final long peer;
    /** True if the peer proved the editor key (its updates are accepted); immutable. */
    final boolean peerEditor;
    /** The encrypted channel; immutable reference. */
    private final SecureChannel channel;

    private DirectLink(long peer, boolean peerEditor, SecureChannel channel) {
        this.peer = peer;
        this.peerEditor = peerEditor;
        this.channel = channel;
    }

    /**
     * Authenticates over {@code io}; closes it on any failure or after {@code timeout}.
     *
     * @throws HandshakeFailedException if the peer lacks the room's member key, is not {@code peer}, or proved a
     *                                  wrong editor key
     */
    static DirectLink open(StreamIo io, String remote, RoomKeys keys, boolean initiator, long me, long peer,
                           Duration timeout) throws IOException {
        ScheduledFuture<?> guard = WATCHDOG.schedule(io::close, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            SecureChannel sc = SecureChannel.over(io, remote, io.input(), io.output(), keys, initiator);
            String proof = Base64.getEncoder().encodeToString(sc.editorProof(keys));
            sc.send(MessageCodec.encode(new Message.Hello(MessageCodec.PROTOCOL_VERSION, keys.room(), proof, me,
                    "", "")));
            Message m = decode(sc.receive());
            if (!(m instanceof Message.Hello h) || !h.room().equals(keys.room()) || h.clientId() != peer) {
                sc.close();
                throw new HandshakeFailedException("direct peer " + remote + " is not member " + peer
                        + " of this room");
            }
            byte[] theirs = Base64.getDecoder().decode(h.secret());
            boolean editor = sc.verifyPeerEditorProof(keys, theirs);
            if (theirs.length > 0 && keys.isEditor() && !editor) {
                sc.close();
                throw new HandshakeFailedException("direct peer " + peer + " presented a wrong editor proof");
            }
            guard.cancel(false);
            return new DirectLink(peer, editor || (theirs.length > 0 && !keys.isEditor()), sc);
        } catch (IllegalArgumentException | MalformedMessageException e) {
            io.close();
            throw new HandshakeFailedException("direct peer " + remote + " sent a bad Hello: " + e.getMessage());
        } catch (IOException e) {
            io.close();
            throw e;
        }
    }

    private static Message decode(byte[] frame) {
        return MessageCodec.decode(frame);
    }

    /** Sends one message. @throws IOException if the link is broken (it is then closed) */
    void send(Message m) throws IOException {
        channel.send(MessageCodec.encode(m));
    }

    /** Sends a ping (an empty frame). */
    void ping() throws IOException {
        channel.send(new byte[0]);
    }

    /** The next message (pings skipped). @throws IOException when the link breaks or a frame is rejected */
    Message receive() throws IOException {
        while (true) {
            byte[] frame = channel.receive();
            if (frame.length > 0) {
                try {
                    return decode(frame);
                } catch (MalformedMessageException e) {
                    channel.close();
                    throw new IOException("direct peer " + peer + " sent a malformed message: " + e.getMessage());
                }
            }
        }
    }

    boolean isClosed() {
        return channel.isClosed();
    }

    @Override
    public void close() {
        channel.close();
    }
}
