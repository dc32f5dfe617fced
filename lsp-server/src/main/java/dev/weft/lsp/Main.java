package dev.weft.lsp;

import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.transport.LspFrameLimiter;
import org.eclipse.lsp4j.jsonrpc.Launcher;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Starts the Weft language server on stdin/stdout: {@code java -jar weft-server.jar [--stdio] [--log FILE]}.
 * {@code --stdio} (appended by vscode-languageclient) is accepted and ignored. Logs go to stderr (and to
 * {@code --log FILE} if given), never to stdout, which carries only LSP messages.
 *
 * <p>One LSP message may carry at most {@code $WEFT_LSP_MAX_MESSAGE_BYTES} bytes of content (default
 * {@link LspFrameLimiter#DEFAULT_MAX_CONTENT_BYTES}); a larger {@code Content-Length} ends the server with the
 * reason on stderr and exit status 2, since the stream cannot be resynchronised ({@code docs/lsp.md}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String logFile = null;
        for (int i = 0; i < args.length; i++) {
            if ("--log".equals(args[i]) && i + 1 < args.length) {
                logFile = args[++i];
            }
        }
        LspFrameLimiter in = new LspFrameLimiter(System.in, maxMessageBytes());
        OutputStream out = System.out;
        // Anything printed by a library from now on goes to stderr, not into the LSP stream.
        System.setOut(new PrintStream(System.err, true, java.nio.charset.StandardCharsets.UTF_8));
        configureLogging(logFile);
        WeftLanguageServer server = new WeftLanguageServer();
        ExecutorService messageThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "weft-lsp-io");
            t.setDaemon(true);
            return t;
        });
        Launcher<WeftLanguageClient> launcher = new Launcher.Builder<WeftLanguageClient>()
                .setLocalService(server)
                .setRemoteInterface(WeftLanguageClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(messageThreads)
                .create();
        server.connect(launcher.getRemoteProxy());
        try {
            launcher.startListening().get();
        } catch (ExecutionException e) {
            if (in.failure() == null) {
                throw e;
            }
        }
        if (in.failure() != null) {
            Logger.getLogger(Main.class.getName()).severe("weft-server: " + in.failure().getMessage()
                    + "; closing the session and exiting");
            server.session().shutdown();
            System.exit(2);
        }
        server.exitCleanly();
    }

    private static long maxMessageBytes() {
        String v = System.getenv("WEFT_LSP_MAX_MESSAGE_BYTES");
        if (v == null || v.isBlank()) {
            return LspFrameLimiter.DEFAULT_MAX_CONTENT_BYTES;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("WEFT_LSP_MAX_MESSAGE_BYTES must be a byte count, not '" + v + "'");
        }
    }

    private static void configureLogging(String logFile) throws java.io.IOException {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler console = new ConsoleHandler(); // writes to System.err
        console.setLevel(Level.INFO);
        console.setFormatter(new SimpleFormatter());
        root.addHandler(console);
        if (logFile != null) {
            FileHandler fh = new FileHandler(logFile, true);
            fh.setFormatter(new SimpleFormatter());
            root.addHandler(fh);
        }
        root.setLevel(Level.INFO);
    }
}
