package dev.weft.client.lan.secure;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), on the JDK's {@link Mac}: Java 17 has no HKDF of its own. Also the plain
 * HMAC-SHA256 the LAN key schedule uses. Stateless.
 */
final class Hkdf {
    static final int HASH_LEN = 32;

    private Hkdf() {
    }

    /** HMAC-SHA256(key, data…) over the concatenation of {@code data}. */
    static byte[] hmac(byte[] key, byte[]... data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] d : data) {
                mac.update(d);
            }
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    /** HKDF-Extract(salt, ikm) = HMAC(salt, ikm). */
    static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt.length == 0 ? new byte[HASH_LEN] : salt, ikm);
    }

    /**
     * HKDF-Expand(prk, info, length).
     *
     * @throws IllegalArgumentException if {@code length} is over 255 × 32
     */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 0 || length > 255 * HASH_LEN) {
            throw new IllegalArgumentException("HKDF length out of range: " + length);
        }
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            t = hmac(prk, t, info, new byte[] {(byte) i});
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /** Rethrows a JDK crypto failure that cannot happen with the fixed algorithms used here. */
    static IllegalStateException unavailable(GeneralSecurityException e) {
        return new IllegalStateException("JDK crypto primitive unavailable: " + e, e);
    }
}
