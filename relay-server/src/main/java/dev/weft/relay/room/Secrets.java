package dev.weft.relay.room;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Room ids and secrets: SecureRandom bytes as URL-safe base64 without padding; secrets are stored as SHA-256. */
public final class Secrets {
    /** Room ids: 128 random bits (22 characters). */
    static final int ROOM_ID_BYTES = 16;
    /** Secrets: 192 random bits (32 characters). */
    static final int SECRET_BYTES = 24;
    private static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    static String newRoomId() {
        return random(ROOM_ID_BYTES);
    }

    static String newSecret() {
        return random(SECRET_BYTES);
    }

    /** True if {@code id} has the shape of a room id (so junk never reaches storage). */
    static boolean plausibleRoomId(String id) {
        return ROOM_ID.matcher(id).matches();
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** Constant-time comparison of a presented secret with a stored hash. */
    static boolean matches(String presented, byte[] storedHash) {
        return !presented.isEmpty() && MessageDigest.isEqual(hash(presented), storedHash);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
