package dev.weft.client.lan.secure;

import dev.weft.sync.WireLimits;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An authenticated, encrypted channel between two LAN peers over one TCP socket ({@code docs/protocol.md}, "LAN
 * peers"): a mutual proof of the room's member key without sending it, then AES-256-GCM frames with one key and one
 * implicit counter nonce per direction, so a tampered, replayed, reordered or dropped frame fails authentication.
 *
 * <p>Handshake (cleartext, fixed sizes):
 * <pre>
 * I → R  "WEFTLAN1" ‖ nI (32 random bytes)
 * R → I  "WEFTLAN1" ‖ nR (32) ‖ proofR (32)
 * I → R  proofI (32)                      — sent only if proofR checked out
 * th  = SHA-256("WEFTLAN1" ‖ nI ‖ nR ‖ room)
 * prk = HKDF-Extract(salt = th, ikm = member key)
 * proofR = HMAC(prk, "responder proof"), proofI = HMAC(prk, "initiator proof")
 * kI→R = HKDF-Expand(prk, "weft-lan i2r key", 32), kR→I = HKDF-Expand(prk, "weft-lan r2i key", 32)
 * </pre>
 * A frame is {@code length:u32 ‖ AES-256-GCM(k, nonce = 0⁴ ‖ counter:u64, plaintext)} with a 128-bit tag; each
 * direction's counter starts at 0 and grows by one per frame. Any failure closes the socket.
 *
 * <p>Thread-safety: {@link #send} may be called from several threads (serialized); {@link #receive} from one reader
 * thread.
 */
public final class SecureChannel implements AutoCloseable {
    static final byte[] MAGIC = RoomKeys.utf8("WEFTLAN1");
    static final int NONCE_LEN = 32;
    /**
     * Bytes the initiator sends before the responder's handshake is complete (magic, nonce, proof): the first
     * sealed frame on the initiator's side of the stream starts right after them (tests hold a link there).
     */
    public static final int INITIATOR_HANDSHAKE_BYTES = MAGIC.length + NONCE_LEN + Hkdf.HASH_LEN;
    /** Largest plaintext frame: one protocol message at its limit plus framing slack. */
    public static final int MAX_FRAME = WireLimits.MAX_MESSAGE_BYTES + 4096;
    private static final int TAG_BITS = 128;

    /** Closes the underlying connection (a TCP socket, or a QUIC stream); immutable reference. */
    private final java.io.Closeable connection;
    /** The remote address, for logs; immutable. */
    private final String remote;
    private final DataInputStream in;
    private final DataOutputStream out;
    /** True if this side opened the connection; immutable. */
    private final boolean initiator;
    /** Handshake transcript hash (binds editor proofs to this session); immutable. */
    private final byte[] transcript;
    private final SecretKeySpec sendKey;
    private final SecretKeySpec receiveKey;
    /** Next send counter; guarded by the send lock. */
    private long sendCounter;
    /** Next expected receive counter; reader thread only. */
    private long receiveCounter;
    private final Object sendLock = new Object();
    private volatile boolean closed;

    private SecureChannel(java.io.Closeable connection, String remote, DataInputStream in, DataOutputStream out,
                          boolean initiator, byte[] transcript, byte[] sendKey, byte[] receiveKey) {
        this.connection = connection;
        this.remote = remote;
        this.in = in;
        this.out = out;
        this.initiator = initiator;
        this.transcript = transcript;
        this.sendKey = new SecretKeySpec(sendKey, "AES");
        this.receiveKey = new SecretKeySpec(receiveKey, "AES");
    }

    /**
     * Runs the handshake as the side that opened {@code socket}. On any failure the socket is closed.
     *
     * @throws HandshakeFailedException if the peer did not prove the member key (we then sent nothing more)
     * @throws IOException              on a network error or timeout
     */
    public static SecureChannel initiate(Socket socket, RoomKeys keys) throws IOException {
        return handshake(socket, String.valueOf(socket.getRemoteSocketAddress()), socket.getInputStream(),
                socket.getOutputStream(), keys, true);
    }

    /** Runs the handshake as the side that accepted {@code socket}; see {@link #initiate}. */
    public static SecureChannel accept(Socket socket, RoomKeys keys) throws IOException {
        return handshake(socket, String.valueOf(socket.getRemoteSocketAddress()), socket.getInputStream(),
                socket.getOutputStream(), keys, false);
    }

    /**
     * Runs the handshake over any reliable, ordered byte stream (a QUIC stream for direct connections); closing
     * {@code connection} must make blocked reads and writes fail. On any failure {@code connection} is closed.
     *
     * @param initiator true on the side that opened the stream
     * @throws HandshakeFailedException if the peer did not prove the member key
     */
    public static SecureChannel over(java.io.Closeable connection, String remote, java.io.InputStream input,
                                     java.io.OutputStream output, RoomKeys keys, boolean initiator)
            throws IOException {
        return handshake(connection, remote, input, output, keys, initiator);
    }

    private static SecureChannel handshake(java.io.Closeable socket, String remote, java.io.InputStream input,
                                           java.io.OutputStream output, RoomKeys keys, boolean initiator)
            throws IOException {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(input));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(output));
            byte[] mine = new byte[NONCE_LEN];
            new SecureRandom().nextBytes(mine);
            byte[] nI;
            byte[] nR;
            byte[] prk;
            byte[] th;
            if (initiator) {
                out.write(MAGIC);
                out.write(mine);
                out.flush();
                nI = mine;
                readMagic(in);
                nR = readN(in, NONCE_LEN);
                byte[] proofR = readN(in, Hkdf.HASH_LEN);
                th = transcript(nI, nR, keys.room());
                prk = Hkdf.extract(th, keys.memberKey());
                if (!MessageDigest.isEqual(proofR, proof(prk, "responder proof"))) {
                    throw new HandshakeFailedException("the peer does not hold this room's secret");
                }
                out.write(proof(prk, "initiator proof"));
                out.flush();
            } else {
                readMagic(in);
                nI = readN(in, NONCE_LEN);
                nR = mine;
                th = transcript(nI, nR, keys.room());
                prk = Hkdf.extract(th, keys.memberKey());
                out.write(MAGIC);
                out.write(nR);
                out.write(proof(prk, "responder proof"));
                out.flush();
                byte[] proofI = readN(in, Hkdf.HASH_LEN);
                if (!MessageDigest.isEqual(proofI, proof(prk, "initiator proof"))) {
                    throw new HandshakeFailedException("the peer does not hold this room's secret");
                }
            }
            byte[] i2r = Hkdf.expand(prk, RoomKeys.utf8("weft-lan i2r key"), 32);
            byte[] r2i = Hkdf.expand(prk, RoomKeys.utf8("weft-lan r2i key"), 32);
            return new SecureChannel(socket, remote, in, out, initiator, th, initiator ? i2r : r2i,
                    initiator ? r2i : i2r);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            if (e instanceof EOFException) {
                throw new HandshakeFailedException("the peer closed the connection during the handshake (wrong"
                        + " secret or not a Weft LAN peer)");
            }
            throw e;
        }
    }

    private static byte[] proof(byte[] prk, String label) {
        return Hkdf.hmac(prk, RoomKeys.utf8(label));
    }

    private static byte[] transcript(byte[] nI, byte[] nR, String room) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(MAGIC);
            d.update(nI);
            d.update(nR);
            d.update(RoomKeys.utf8(room));
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw Hkdf.unavailable(e);
        }
    }

    private static void readMagic(DataInputStream in) throws IOException {
        if (!Arrays.equals(readN(in, MAGIC.length), MAGIC)) {
            throw new HandshakeFailedException("the peer is not a Weft LAN peer (bad greeting)");
        }
    }

    private static byte[] readN(DataInputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** True if this side opened the connection. */
    public boolean initiator() {
        return initiator;
    }

    /** The handshake's transcript hash (copy). */
    public byte[] transcript() {
        return transcript.clone();
    }

    /** This side's editor proof for this session (empty for a reader); send it inside the channel. */
    public byte[] editorProof(RoomKeys keys) {
        return keys.editorProof(transcript, initiator);
    }

    /**
     * Checks the peer's editor proof with our editor key.
     *
     * @return true if valid; false if invalid or we are a reader (who cannot check)
     */
    public boolean verifyPeerEditorProof(RoomKeys keys, byte[] proof) {
        if (!keys.isEditor() || proof.length == 0) {
            return false;
        }
        return MessageDigest.isEqual(proof, keys.editorProof(transcript, !initiator));
    }

    /** The remote address, for logs. */
    public String remote() {
        return remote;
    }

    /**
     * Encrypts and sends one frame.
     *
     * @throws IOException if the channel is closed or the write fails (the channel is then closed)
     */
    public void send(byte[] plaintext) throws IOException {
        if (plaintext.length > MAX_FRAME) {
            throw new IllegalArgumentException("frame of " + plaintext.length + " bytes is over " + MAX_FRAME);
        }
        synchronized (sendLock) {
            if (closed) {
                throw new IOException("LAN channel to " + remote() + " is closed");
            }
            try {
                byte[] sealed;
                try {
                    sealed = crypt(Cipher.ENCRYPT_MODE, sendKey, sendCounter++, plaintext);
                } catch (AEADBadTagException e) {
                    throw new IllegalStateException("encryption cannot fail authentication", e);
                }
                out.writeInt(sealed.length);
                out.write(sealed);
                out.flush();
            } catch (IOException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * Reads and authenticates the next frame.
     *
     * @throws FrameRejectedException if it fails authentication (tampered, replayed, out of order) or is too large;
     *                                the channel is closed
     * @throws EOFException           if the peer closed the connection
     */
    public byte[] receive() throws IOException {
        try {
            int len = in.readInt();
            if (len < TAG_BITS / 8 || len > MAX_FRAME + TAG_BITS / 8) {
                throw new FrameRejectedException("frame length " + len + " out of range");
            }
            byte[] sealed = readN(in, len);
            try {
                return crypt(Cipher.DECRYPT_MODE, receiveKey, receiveCounter++, sealed);
            } catch (AEADBadTagException e) {
                throw new FrameRejectedException("frame " + (receiveCounter - 1) + " from " + remote()
                        + " failed authentication (tampered, replayed or out of order)");
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private static byte[] crypt(int mode, SecretKeySpec key, long counter, byte[] data) throws AEADBadTagException {
        if (counter < 0) {
            throw new IllegalStateException("frame counter exhausted");
        }
        byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(counter).array();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            return c.doFinal(data);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw Hkdf.unavailable(e);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the socket (idempotent). */
    @Override
    public void close() {
        closed = true;
        closeQuietly(connection);
    }

    private static void closeQuietly(java.io.Closeable s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
