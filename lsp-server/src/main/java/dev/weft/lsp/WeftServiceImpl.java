package dev.weft.lsp;

import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.customservice.WeftService;
import dev.weft.lsp.session.SessionManager;

import dev.weft.client.RoomCheckOutcome;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Shell for the {@code weft/…} requests: delegates to the session and the document bindings. */
final class WeftServiceImpl implements WeftService {
    /** How long weft/verify waits for the room's answer to its state check. */
    static final long ROOM_CHECK_WAIT_MS = 5_000;
    private final SessionManager session;

    WeftServiceImpl(SessionManager session) {
        this.session = session;
    }

    @Override
    public void selection(WeftProtocol.SelectionParams params) {
        session.cursors().onSelection(params);
    }

    @Override
    public CompletableFuture<WeftProtocol.VerifyResult> verify(WeftProtocol.VerifyParams p) {
        DocumentBinding b = p == null || p.uri == null ? null : session.bindingOf(p.uri);
        if (b == null) {
            WeftProtocol.VerifyResult r = new WeftProtocol.VerifyResult();
            r.ok = true;
            return CompletableFuture.completedFuture(r);
        }
        // First the editor against the replica, then the replica against the room's (StateCheck): a replica that
        // differs from the relay's at the same version is replaced and the editor repaired through the binding's
        // remote-change path.
        return b.verify(p.version, p.sha256 == null ? "" : p.sha256).thenCompose(o -> b.shared().checkWithRoom()
                .completeOnTimeout(RoomCheckOutcome.NOT_CHECKED, ROOM_CHECK_WAIT_MS, TimeUnit.MILLISECONDS)
                .thenApply(room -> {
                    WeftProtocol.VerifyResult r = new WeftProtocol.VerifyResult();
                    r.ok = o.ok() && room != RoomCheckOutcome.REPAIRED;
                    r.repaired = o.repaired() || room == RoomCheckOutcome.REPAIRED;
                    // o.repairs() was counted before the room check; a room repair adds one.
                    r.repairs = o.repairs() + (room == RoomCheckOutcome.REPAIRED ? 1 : 0);
                    r.room = room.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                    return r;
                }));
    }
}
