package dev.weft.relay.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes client-supplied text safe to log: bounded in length and with anything that could be a secret redacted.
 *
 * <pre>{@code
 * LogText.clip("a".repeat(5000))                      → "aaaa…(4800 more chars)"   (200 kept)
 * LogText.untrusted("bad token near 'wD3kq_ZpL0…'")   → "bad token near '<22 chars redacted>'"
 * }</pre>
 *
 * <p>Secrets, room ids, tokens and base64 payloads all look alike (runs of base64 or base64url characters), so
 * {@link #untrusted} redacts every run of {@value #TOKEN_RUN} or more such characters: text from a parser's error
 * message or a library's log line may quote any of them. Our own log fields that are known not to be secret (room
 * ids after authentication, document names) use {@link #clip} only.
 */
public final class LogText {
    private LogText() {
    }

    /** Characters kept by {@link #clip(String)}. */
    public static final int DEFAULT_MAX = 200;
    /** Shortest run of base64/base64url characters that {@link #untrusted} redacts (secrets are 22 or more). */
    static final int TOKEN_RUN = 16;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_+/=-]{" + TOKEN_RUN + ",}");

    /** {@code s} cut to {@link #DEFAULT_MAX} characters, saying how many were left out; "null" for null. */
    public static String clip(String s) {
        return clip(s, DEFAULT_MAX);
    }

    /** {@code s} cut to {@code max} characters (never splitting a surrogate pair), saying how many were left out. */
    public static String clip(String s, int max) {
        if (s == null) {
            return "null";
        }
        if (s.length() <= max) {
            return s;
        }
        int cut = max;
        if (cut > 0 && Character.isHighSurrogate(s.charAt(cut - 1))) {
            cut--;
        }
        return s.substring(0, cut) + "…(" + (s.length() - cut) + " more chars)";
    }

    /** Client-influenced text (parser errors, library messages): tokens redacted, then clipped to {@code max}. */
    public static String untrusted(String s, int max) {
        if (s == null) {
            return "null";
        }
        // Clip a huge input first (with room for redaction to shorten it), so redacting costs O(max), not O(input).
        String head = s.length() > 4 * max ? s.substring(0, 4 * max) : s;
        Matcher m = TOKEN.matcher(head);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, "<" + (m.end() - m.start()) + " chars redacted>");
        }
        m.appendTail(sb);
        String out = clip(sb.toString(), max);
        return head.length() < s.length() && out.length() <= max ? out + "…(" + (s.length() - head.length())
                + " more chars)" : out;
    }

    /** {@link #untrusted(String, int)} with {@link #DEFAULT_MAX}. */
    public static String untrusted(String s) {
        return untrusted(s, DEFAULT_MAX);
    }

    /** An exception as "Class: message" with the message treated as {@link #untrusted}. */
    public static String untrusted(Throwable t) {
        return t == null ? "null" : t.getClass().getName() + ": " + untrusted(t.getMessage());
    }
}
