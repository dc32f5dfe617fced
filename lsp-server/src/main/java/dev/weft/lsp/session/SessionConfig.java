package dev.weft.lsp.session;

import dev.weft.client.journal.Journal;
import dev.weft.lsp.customservice.WeftProtocol;

import java.nio.file.Path;

/**
 * What {@code initialize} configured for the session: the initialization options, the workspace (how editor URIs
 * map to room document names) and the journal in the data directory. Replaced as a whole by {@link #configure}.
 */
final class SessionConfig {
    /** {@code initializationOptions}; defaults until {@code initialize}. */
    private volatile WeftProtocol.InitOptions options = new WeftProtocol.InitOptions();
    /** The workspace root and its name mapping; no root until {@code initialize}. */
    private volatile WorkspaceNames names = new WorkspaceNames(null);
    /** The journal in {@code options.dataDir} or the default data directory. */
    private volatile Journal journal = new Journal(Journal.defaultDataDir());

    void configure(Path workspaceRoot, WeftProtocol.InitOptions opts) {
        this.names = new WorkspaceNames(workspaceRoot);
        this.options = opts == null ? new WeftProtocol.InitOptions() : opts;
        this.journal = new Journal(this.options.dataDir != null && !this.options.dataDir.isBlank()
                ? Path.of(this.options.dataDir) : Journal.defaultDataDir());
    }

    WeftProtocol.InitOptions options() {
        return options;
    }

    WorkspaceNames names() {
        return names;
    }

    Journal journal() {
        return journal;
    }
}
