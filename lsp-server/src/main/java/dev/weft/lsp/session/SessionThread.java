package dev.weft.lsp.session;

import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one session thread: commands that touch the network (share, join, leave…) and the session's timers run
 * here, never on LSP4J's message thread, so handlers return at once and commands never interleave.
 */
final class SessionThread {
    private static final Logger LOG = Logger.getLogger(SessionThread.class.getName());

    /** The thread; a daemon so it never keeps the JVM alive. Immutable reference. */
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-session");
        t.setDaemon(true);
        return t;
    });

    /**
     * Runs a command on the session thread. A {@link ResponseErrorException} reaches the editor as is; any other
     * exception is logged and answered with {@code InternalError} carrying its message.
     */
    <T> CompletableFuture<T> command(ThrowingSupplier<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                f.complete(body.get());
            } catch (ResponseErrorException e) {
                f.completeExceptionally(e);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "command failed", e);
                f.completeExceptionally(error(ResponseErrorCode.InternalError, String.valueOf(e.getMessage())));
            }
        });
        return f;
    }

    void execute(Runnable r) {
        executor.execute(r);
    }

    ScheduledFuture<?> schedule(Runnable r, long delayMillis) {
        return executor.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
    }

    void every(long periodMillis, Runnable r) {
        executor.scheduleAtFixedRate(r, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** A command body that may fail. */
    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    /** The JSON-RPC error a command answers with. */
    static ResponseErrorException error(ResponseErrorCode code, String message) {
        return new ResponseErrorException(new ResponseError(code, message, null));
    }
}
