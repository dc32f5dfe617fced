package dev.weft.client.testing;

import dev.weft.client.SharedDocument;
import dev.weft.crdt.TextDocument;
import java.util.Random;

/** Seeded random typing on shared documents, and their text, for the convergence tests of the transports. */
public final class RandomEdits {
    private RandomEdits() {
    }

    /** The document's text, read on its executor. */
    public static String text(SharedDocument d) {
        return d.call(TextDocument::getText).join();
    }

    /**
     * Applies one random edit drawn from {@code r} and waits for it: a delete of 1–3 characters (one edit in three
     * while the text is not empty), else an insert of 1 to {@code maxLetters} random lowercase letters at a random
     * place. With {@code maxLetters} 1 the length is not drawn.
     */
    public static void randomEdit(SharedDocument d, Random r, int maxLetters) {
        d.edit(t -> {
            int len = t.length();
            if (len > 0 && r.nextInt(3) == 0) {
                int pos = r.nextInt(len);
                return t.delete(pos, Math.min(len - pos, 1 + r.nextInt(3)));
            }
            StringBuilder s = new StringBuilder();
            for (int i = maxLetters == 1 ? 1 : 1 + r.nextInt(maxLetters); i > 0; i--) {
                s.append((char) ('a' + r.nextInt(26)));
            }
            return t.insert(r.nextInt(len + 1), s.toString());
        }).join();
    }
}
