package dev.weft.lsp.session;

import dev.weft.crdt.TextDocument;
import dev.weft.lsp.binding.LineIndex;
import dev.weft.client.text.MinimalDiff;
import dev.weft.lsp.binding.PositionEncoding;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warms the JIT and loads the network classes in a background thread right after {@code initialize}, so the
 * first share or join of a large document does not run the CRDT, codec and transport code interpreted. It touches
 * no user data and costs about a second of one core, once, at low priority.
 */
public final class WarmUp {
    private static final Logger LOG = Logger.getLogger(WarmUp.class.getName());

    private WarmUp() {
    }

    public static void startInBackground() {
        Thread t = new Thread(WarmUp::run, "weft-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    static void run() {
        long t0 = System.nanoTime();
        try {
            Thread.sleep(500); // let initialize and the first didOpen go first
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 200_000) {
                sb.append("warm up the weft loom ").append(sb.length() % 7 == 0 ? '\n' : ' ');
            }
            String text = sb.toString();
            for (int round = 0; round < 4; round++) {
                TextDocument a = new TextDocument(1);
                byte[] u = a.insert(0, text).update();
                for (int i = 0; i < 300; i++) {
                    a.insert((i * 7919) % a.length(), "x");
                    a.delete((i * 104729) % (a.length() - 1), 1);
                }
                TextDocument b = new TextDocument(2);
                b.applyUpdate(u);
                b.applyUpdate(a.encodeDiff(b.version()));
                byte[] state = a.encodeStateAsUpdate();
                new TextDocument(3).applyUpdate(state);
                byte[] m = MessageCodec.encode(new Message.Update("warm", state));
                MessageCodec.decode(m);
                java.util.Base64.getDecoder().decode(java.util.Base64.getEncoder().encodeToString(m));
                String got = b.getText();
                LineIndex li = new LineIndex(got);
                li.positionOf(got.length() / 2, PositionEncoding.UTF16);
                MinimalDiff.changes(text, got);
            }
            // Load the transport's classes (OkHttp, Socket.IO, Engine.IO) without connecting anywhere.
            for (String c : new String[]{"dev.weft.client.relay.RelayClient", "dev.weft.client.relay.RoomApi",
                    "io.socket.client.IO", "io.socket.client.Socket", "okhttp3.OkHttpClient",
                    "io.socket.engineio.client.transports.WebSocket", "java.net.http.HttpClient"}) {
                Class.forName(c, true, WarmUp.class.getClassLoader());
            }
            LOG.fine("warm-up done in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (Throwable e) {
            LOG.log(Level.FINE, "warm-up skipped", e);
        }
    }
}
