package dev.weft.lsp;

import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.customservice.WeftService;
import dev.weft.lsp.session.SessionManager;

import java.util.concurrent.CompletableFuture;

/** Shell for the {@code weft/…} requests: delegates to the session and the document bindings. */
final class WeftServiceImpl implements WeftService {
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
        return b.verify(p.version, p.sha256 == null ? "" : p.sha256).thenApply(o -> {
            WeftProtocol.VerifyResult r = new WeftProtocol.VerifyResult();
            r.ok = o.ok();
            r.repaired = o.repaired();
            r.repairs = o.repairs();
            return r;
        });
    }
}
