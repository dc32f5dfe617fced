package dev.weft.lsp;

import dev.weft.lsp.customservice.WeftLanguageClient;
import org.eclipse.lsp4j.jsonrpc.Launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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
        InputStream in = System.in;
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
        launcher.startListening().get();
        server.exitCleanly();
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
