package dev.weft.relay.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@link WeftTestClient} that writes Engine.IO v4 / Socket.IO v5 frames by hand over the JDK's WebSocket, so a test
 * can send frames no Socket.IO library would (escaped JSON, ack ids, other namespaces, binary attachments, junk)
 * next to ordinary ones. Answers the server's pings; reads {@code 42["weft","<base64>"]} events.
 */
public final class RawSocketIoClient extends WeftTestClient {
    /** The WebSocket; immutable. */
    private final WebSocket ws;
    /** Set when the server closed the WebSocket, with its status code. */
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private RawSocketIoClient(RelayProcess relay) throws Exception {
        URI uri = URI.create(relay.url().replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket");
        StringBuilder partial = new StringBuilder();
        ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket w) {
                        w.request(Long.MAX_VALUE); // every frame, close frames included, without further requests
                    }

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frame(w, partial.toString());
                            partial.setLength(0);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                        closed.complete(status);
                        connection("disconnect: " + status);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        closed.complete(-1);
                        connection("disconnect: " + error);
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    /** Connects and joins the default namespace; returns once the server confirmed ({@code 40{"sid":…}}). */
    public static RawSocketIoClient connect(RelayProcess relay) throws Exception {
        RawSocketIoClient c = new RawSocketIoClient(relay);
        c.sendFrame("40");
        String first = c.awaitConnection(TIMEOUT);
        if (!first.equals("connect")) {
            throw new AssertionError("raw client could not connect: " + first);
        }
        return c;
    }

    private void frame(WebSocket w, String text) {
        if (text.equals("2")) {
            w.sendText("3", true);
        } else if (text.startsWith("40")) {
            connection("connect");
        } else if (text.startsWith("42[\"weft\",\"") && text.endsWith("\"]")) {
            received(text.substring(11, text.length() - 2));
        } else if (!text.startsWith("0")) {
            connection("frame: " + text);
        }
    }

    /** Sends one text frame as given (a whole Engine.IO packet) and waits until it is written. */
    public void sendFrame(String text) {
        try {
            ws.sendText(text, true).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send frame: " + e, e);
        }
    }

    /**
     * Sends one text message as several WebSocket fragments (a text frame and continuation frames, each part as
     * given, the last one final) and waits until all are written; returns false if the connection broke meanwhile.
     */
    public boolean sendFragments(String... parts) {
        try {
            for (int i = 0; i < parts.length; i++) {
                ws.sendText(parts[i], i == parts.length - 1).get(5, TimeUnit.SECONDS);
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Sends one binary frame (a Socket.IO binary attachment) and waits until it is written. */
    public void sendBinary(byte[] data) {
        try {
            ws.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send frame: " + e, e);
        }
    }

    /** The close status the server sent within {@code timeout} (-1 for a broken connection), or null. */
    public Integer awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void emitString(String data) {
        sendFrame("42[\"weft\",\"" + data + "\"]");
    }

    @Override
    public void disconnect() {
        sendFrame("41");
    }

    @Override
    public void reconnect() {
        sendFrame("40");
    }

    @Override
    public void close() {
        ws.abort();
    }
}
