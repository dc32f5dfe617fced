package dev.weft.client.testing;

import dev.weft.client.SharedDocument;
import dev.weft.client.relay.RelayClient;
import dev.weft.crdt.TextDocument;
import java.util.concurrent.TimeUnit;

/** What a real relay holds, read the way a new member would: the check end-to-end tests make at their end. */
public final class RelayTexts {
    private RelayTexts() {
    }

    /**
     * Connects {@code client} (a new, unconnected client of the room), opens document {@code doc} on a fresh replica
     * with agent {@code agent}, waits for its first sync (10 s at most each) and closes both.
     *
     * @return the document's text after the first sync
     */
    public static String read(RelayClient client, String doc, long agent) throws Exception {
        try (RelayClient c = client) {
            c.connect().get(10, TimeUnit.SECONDS);
            SharedDocument d = SharedDocument.open(c, doc, new TextDocument(agent));
            d.firstSync().get(10, TimeUnit.SECONDS);
            String t = d.call(TextDocument::getText).join();
            d.close();
            return t;
        }
    }
}
