package dev.weft.lsp.session;

import dev.weft.lsp.customservice.WeftLanguageClient;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One server-initiated {@code window/workDoneProgress} while a workspace is shared or joined: {@code create}, then
 * {@code begin}, {@code report}s (only when the message changes) and {@code end}. Does nothing for an editor that
 * did not declare {@code window.workDoneProgress}, or refused the token. Used from one thread.
 */
final class WorkspaceProgress implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkspaceProgress.class.getName());

    /** The editor, or null when progress is not shown. Immutable. */
    private final WeftLanguageClient client;
    /** The token the editor accepted. Immutable. */
    private final String token;
    /** The last message reported (reports are sent only on change). */
    private String last;
    private boolean ended;

    private WorkspaceProgress(WeftLanguageClient client, String token) {
        this.client = client;
        this.token = token;
    }

    /**
     * Creates the progress and sends {@code begin} with {@code title}.
     *
     * @param supported whether the editor declared {@code window.workDoneProgress}
     */
    static WorkspaceProgress begin(WeftLanguageClient client, boolean supported, String title, String message) {
        if (client == null || !supported) {
            return new WorkspaceProgress(null, null);
        }
        String token = "weft-" + UUID.randomUUID();
        try {
            client.createProgress(new WorkDoneProgressCreateParams(Either.forLeft(token))).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.INFO, "the editor did not accept a progress token; no progress shown", e);
            return new WorkspaceProgress(null, null);
        }
        WorkDoneProgressBegin b = new WorkDoneProgressBegin();
        b.setTitle(title);
        b.setMessage(message);
        b.setCancellable(false);
        client.notifyProgress(new ProgressParams(Either.forLeft(token), Either.forLeft(b)));
        WorkspaceProgress p = new WorkspaceProgress(client, token);
        p.last = message;
        return p;
    }

    /** Sends {@code message} (and a percentage, if known) unless it is the last one sent. */
    void report(String message, Integer percentage) {
        if (client == null || ended || message.equals(last)) {
            return;
        }
        last = message;
        WorkDoneProgressReport r = new WorkDoneProgressReport();
        r.setMessage(message);
        if (percentage != null) {
            r.setPercentage(Math.max(0, Math.min(100, percentage)));
        }
        client.notifyProgress(new ProgressParams(Either.forLeft(token), Either.forLeft(r)));
    }

    /** Sends {@code end} with {@code message}. Idempotent. */
    void end(String message) {
        if (client == null || ended) {
            return;
        }
        ended = true;
        WorkDoneProgressEnd e = new WorkDoneProgressEnd();
        e.setMessage(message);
        client.notifyProgress(new ProgressParams(Either.forLeft(token), Either.forLeft(e)));
    }

    @Override
    public void close() {
        end("done");
    }

    /** "4210/5000 room files on disk" → 84; null if the text has no such fraction. */
    static Integer percentOf(String progress) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)/(\\d+)").matcher(progress);
        if (!m.find()) {
            return null;
        }
        long a = Long.parseLong(m.group(1));
        long b = Long.parseLong(m.group(2));
        return b == 0 ? 100 : (int) Math.min(100, a * 100 / b);
    }
}
