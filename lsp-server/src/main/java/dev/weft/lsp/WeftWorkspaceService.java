package dev.weft.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.session.SessionManager;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.services.WorkspaceService;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Shell for {@code workspace/…}: the {@code weft.*} commands, each delegated to the session. */
final class WeftWorkspaceService implements WorkspaceService {
    private final SessionManager session;
    private final Gson gson = new Gson();

    WeftWorkspaceService(SessionManager session) {
        this.session = session;
    }

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        List<Object> args = params.getArguments();
        try {
            return switch (params.getCommand()) {
                case WeftProtocol.SHARE -> session.share(arg(args, WeftProtocol.ShareArgs.class)).thenApply(r -> r);
                case WeftProtocol.JOIN -> session.join(arg(args, WeftProtocol.JoinArgs.class)).thenApply(r -> r);
                case WeftProtocol.SHARE_WORKSPACE -> session.shareWorkspace(arg(args,
                        WeftProtocol.ShareWorkspaceArgs.class)).thenApply(r -> r);
                case WeftProtocol.LEAVE -> session.leave();
                case WeftProtocol.PAUSE -> session.setPaused(true);
                case WeftProtocol.RESUME -> session.setPaused(false);
                case WeftProtocol.UNDO -> session.undo(arg(args, WeftProtocol.UriArgs.class), false);
                case WeftProtocol.REDO -> session.undo(arg(args, WeftProtocol.UriArgs.class), true);
                case WeftProtocol.STATUS -> CompletableFuture.completedFuture(session.status());
                case WeftProtocol.BLAME -> session.blame(arg(args, WeftProtocol.UriArgs.class)).thenApply(r -> r);
                case WeftProtocol.STAGE_MINE -> session.stageMine(arg(args, WeftProtocol.GitArgs.class))
                        .thenApply(r -> r);
                case WeftProtocol.COMMIT -> session.commit(arg(args, WeftProtocol.GitArgs.class)).thenApply(r -> r);
                case WeftProtocol.LAN_SESSIONS -> session.lanSessions(arg(args, WeftProtocol.LanSessionsArgs.class))
                        .thenApply(r -> r);
                default -> throw new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams,
                        "unknown command " + params.getCommand() + "; known: " + WeftProtocol.COMMANDS, null));
            };
        } catch (ResponseErrorException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The first command argument as {@code type} (a JSON object), or null if absent. */
    private <T> T arg(List<Object> args, Class<T> type) {
        if (args == null || args.isEmpty() || args.get(0) == null) {
            return null;
        }
        Object a = args.get(0);
        try {
            if (a instanceof JsonElement je) {
                if (je.isJsonNull()) {
                    return null;
                }
                if (je.isJsonPrimitive() && type == WeftProtocol.JoinArgs.class) {
                    WeftProtocol.JoinArgs j = new WeftProtocol.JoinArgs();
                    j.link = je.getAsString();
                    return type.cast(j);
                }
                return gson.fromJson(je, type);
            }
            return gson.fromJson(gson.toJsonTree(a), type);
        } catch (RuntimeException e) {
            throw new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams,
                    "bad argument for " + type.getSimpleName() + ": " + e.getMessage(), null));
        }
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
        session.filesChanged();
    }
}
