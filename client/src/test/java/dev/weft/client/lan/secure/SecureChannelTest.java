package dev.weft.client.lan.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The LAN handshake and frames over real loopback sockets, with a man in the middle that tampers and replays. */
class SecureChannelTest {
    private static final String ROOM = "room1";
    private static final String SECRET = RoomKeys.newEditorSecret();

    /** Accepts one connection on {@code server} and runs the responder side. */
    private static CompletableFuture<SecureChannel> acceptOne(ServerSocket server, RoomKeys keys) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Socket s = server.accept();
                s.setSoTimeout(5000);
                return SecureChannel.accept(s, keys);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private static Socket dial(ServerSocket server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void sameSecretConnectsAndCarriesFramesBothWays() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            var accepted = acceptOne(server, RoomKeys.editor(ROOM, SECRET));
            try (SecureChannel a = SecureChannel.initiate(dial(server), RoomKeys.editor(ROOM, SECRET));
                 SecureChannel b = accepted.get(5, TimeUnit.SECONDS)) {
                a.send(bytes("hello"));
                b.send(bytes("world"));
                a.send(new byte[0]);
                assertThat(text(b.receive())).isEqualTo("hello");
                assertThat(text(a.receive())).isEqualTo("world");
                assertThat(b.receive()).isEmpty();
                assertThat(a.transcript()).isEqualTo(b.transcript());
                assertThat(b.verifyPeerEditorProof(RoomKeys.editor(ROOM, SECRET), a.editorProof(
                        RoomKeys.editor(ROOM, SECRET)))).isTrue();
            }
        }
    }

    @Test
    void wrongSecretNeverGetsAConnectionEitherWay() throws Exception {
        String other = RoomKeys.newEditorSecret();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            // Wrong initiator: the responder refuses its proof.
            var accepted = acceptOne(server, RoomKeys.editor(ROOM, SECRET));
            assertThatThrownBy(() -> SecureChannel.initiate(dial(server), RoomKeys.editor(ROOM, other)))
                    .isInstanceOf(HandshakeFailedException.class);
            assertThatThrownBy(() -> accepted.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(HandshakeFailedException.class);
            // Same secret, other room: the transcript differs, refused too.
            var accepted2 = acceptOne(server, RoomKeys.editor(ROOM, SECRET));
            assertThatThrownBy(() -> SecureChannel.initiate(dial(server), RoomKeys.editor("room2", SECRET)))
                    .isInstanceOf(HandshakeFailedException.class);
            assertThatThrownBy(() -> accepted2.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void readerAuthenticatesButCannotProveEditorRole() throws Exception {
        RoomKeys editor = RoomKeys.editor(ROOM, SECRET);
        RoomKeys reader = RoomKeys.reader(ROOM, RoomKeys.readerSecretOf(SECRET));
        assertThat(reader.roomTag()).isEqualTo(editor.roomTag()).hasSize(16);
        assertThat(reader.roomTag()).doesNotContain(SECRET);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            var accepted = acceptOne(server, editor);
            try (SecureChannel r = SecureChannel.initiate(dial(server), reader);
                 SecureChannel e = accepted.get(5, TimeUnit.SECONDS)) {
                assertThat(r.editorProof(reader)).isEmpty();
                assertThat(e.verifyPeerEditorProof(editor, r.editorProof(reader))).isFalse();
                // A reader forging a proof with random bytes is refused.
                assertThat(e.verifyPeerEditorProof(editor, new byte[32])).isFalse();
                // The editor's proof of another session does not verify in this one.
                assertThat(e.verifyPeerEditorProof(editor, e.editorProof(editor))).isFalse();
            }
        }
    }

    @Test
    void tamperedFrameClosesTheConnection() throws Exception {
        assertManInTheMiddleIsRejected(frame -> {
            frame[frame.length / 2] ^= 1;
            return new byte[][] {frame};
        });
    }

    @Test
    void replayedFrameIsRejected() throws Exception {
        assertManInTheMiddleIsRejected(frame -> new byte[][] {frame, frame.clone()});
    }

    @Test
    void droppedFrameIsRejected() throws Exception {
        int[] n = {0};
        assertManInTheMiddleIsRejected(frame -> n[0]++ == 0 ? new byte[0][] : new byte[][] {frame});
    }

    /**
     * Sends frames "one", "two" from initiator to responder through a proxy that rewrites the first initiator frame
     * with {@code attack}; the responder must get a {@link FrameRejectedException} and close.
     */
    private static void assertManInTheMiddleIsRejected(Function<byte[], byte[][]> attack) throws Exception {
        RoomKeys keys = RoomKeys.editor(ROOM, SECRET);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket proxy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            var accepted = acceptOne(server, keys);
            CompletableFuture<Void> mitm = CompletableFuture.runAsync(() -> {
                try (Socket fromI = proxy.accept(); Socket toR = dial(server)) {
                    pump(toR.getInputStream(), fromI.getOutputStream());
                    DataInputStream iIn = new DataInputStream(fromI.getInputStream());
                    DataOutputStream rOut = new DataOutputStream(toR.getOutputStream());
                    byte[] hs = new byte[8 + 32];
                    iIn.readFully(hs);
                    rOut.write(hs);
                    byte[] proofI = new byte[32];
                    iIn.readFully(proofI);
                    rOut.write(proofI);
                    boolean first = true;
                    while (true) {
                        int len = iIn.readInt();
                        byte[] frame = new byte[len];
                        iIn.readFully(frame);
                        for (byte[] f : first ? attack.apply(frame) : new byte[][] {frame}) {
                            rOut.writeInt(f.length);
                            rOut.write(f);
                        }
                        first = false;
                        rOut.flush();
                    }
                } catch (IOException e) {
                    // connection ended
                }
            });
            try (SecureChannel i = SecureChannel.initiate(dial(proxy), keys);
                 SecureChannel r = accepted.get(5, TimeUnit.SECONDS)) {
                i.send(bytes("one"));
                i.send(bytes("two"));
                assertThatThrownBy(() -> {
                    r.receive();
                    r.receive();
                }).isInstanceOf(FrameRejectedException.class);
                assertThat(r.isClosed()).isTrue();
                assertThatThrownBy(() -> r.send(bytes("x"))).isInstanceOf(IOException.class);
            }
            mitm.get(5, TimeUnit.SECONDS);
        }
    }

    private static void pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
            } catch (IOException e) {
                // ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
