package dev.weft.client.workspace;

import dev.weft.client.text.MinimalDiff;
import dev.weft.client.paths.BadPathException;
import dev.weft.client.paths.PathValidator;
import dev.weft.client.SharedDocument;
import dev.weft.client.SyncChannel;
import dev.weft.client.workspace.tree.FileKind;
import dev.weft.client.workspace.tree.ResolvedFile;
import dev.weft.client.workspace.tree.TreeEvent;
import dev.weft.client.workspace.tree.TreeNames;
import dev.weft.client.workspace.tree.TreeResolver;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.TextDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mirrors a directory to a room and back: the workspace engine every front end drives. Design:
 * {@code docs/workspace.md}.
 *
 * <p>Everything runs on one engine thread: the tree replica, every file's replica (their {@link SharedDocument}s
 * are confined to it) and all disk I/O. A <em>pass</em> — run after any remote change, any file-system event, and
 * every {@link Options#pollInterval()} — (1) scans the disk and turns what other programs changed into tree events
 * and text edits, then (2) brings the disk to the resolved tree: creates, moves, deletes, and writes merged text.
 * Text is merged three-way ({@link TextMerge}) against each file's base, so a change on disk and a remote edit to
 * the same file both survive.
 *
 * <pre>{@code
 * Workspace w = Workspace.start(options, pool);     // share or join: the same engine
 * w.settled().get();                                // every room file is on disk
 * w.awaitAllAcked(Duration.ofSeconds(30));          // every local change is durable on the relay
 * w.close();
 * }</pre>
 *
 * <p>Editors: {@link #openInEditor(String)} hands a file's document to an editor binding; while the lease is
 * open the buffer is the truth and the engine leaves that disk file alone.
 */
public final class Workspace implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Workspace.class.getName());
    /** Default largest shared file: a binary's base64 (4/3) plus framing stays under an 8 MiB message. */
    public static final long DEFAULT_MAX_FILE_BYTES = 4L << 20;

    /**
     * Engine settings. Immutable (the counter and the callbacks are shared objects).
     *
     * @param root           the shared directory
     * @param agent          this peer's agent id (random 53-bit); its high bits are the session of every replica
     *                       ({@link #sessionOf}) and it signs every tree event
     * @param maxFileBytes   larger files are listed as not shared
     * @param pollInterval   full rescan period (the fallback when file-system events are missed)
     * @param rules          fresh ignore rules for each scan
     * @param notices        one-line messages for the user (local copies kept aside, files left out…)
     * @param watch          whether to use the platform's file-system events (else polling only)
     * @param stateDir       where to remember bases across restarts ({@link SyncState}), or null for nowhere
     * @param treeDoc        the room document holding this root's tree log ({@link TreeNames#TREE}, or another
     *                       root's tree of a multi-root share, {@link TreeNames#rootTree(int)}, or a branch's,
     *                       {@link TreeNames#branchTree(String)})
     * @param textPrefix     prefix of the text files' documents ({@link TreeNames#TEXT_PREFIX}, or a branch's)
     * @param replicas       counts the replicas opened with this agent's session; engines that follow one another
     *                       on overlapping documents (branch switches) share one, so no agent is used twice
     * @param gate           says when the disk may be read as edits ({@link DiskGate}), or null for always
     * @param baseline       a path's clean bytes (e.g. git HEAD's), or null: a local file equal to them is
     *                       replaced by the room's version without being kept aside; null function for none
     */
    public record Options(java.nio.file.Path root, long agent, long maxFileBytes, Duration pollInterval,
                          Supplier<IgnoreRules> rules, Consumer<String> notices, boolean watch,
                          java.nio.file.Path stateDir, String treeDoc, String textPrefix,
                          java.util.concurrent.atomic.AtomicLong replicas, DiskGate gate,
                          java.util.function.Function<String, byte[]> baseline) {
        public static Options of(java.nio.file.Path root, Consumer<String> notices) {
            long agent = new SecureRandom().nextLong() & ((1L << 53) - 1);
            java.nio.file.Path r = root.toAbsolutePath().normalize();
            return new Options(r, agent, DEFAULT_MAX_FILE_BYTES, Duration.ofSeconds(1), () -> IgnoreRules.load(r),
                    notices, true, null, TreeNames.TREE, TreeNames.TEXT_PREFIX,
                    new java.util.concurrent.atomic.AtomicLong(), null, null);
        }

        public Options withRules(Supplier<IgnoreRules> rules) {
            return new Options(root, agent, maxFileBytes, pollInterval, rules, notices, watch, stateDir, treeDoc,
                    textPrefix, replicas, gate, baseline);
        }

        public Options withPolling(Duration pollInterval, boolean watch) {
            return new Options(root, agent, maxFileBytes, pollInterval, rules, notices, watch, stateDir, treeDoc,
                    textPrefix, replicas, gate, baseline);
        }

        public Options withAgent(long agent) {
            return new Options(root, agent, maxFileBytes, pollInterval, rules, notices, watch, stateDir, treeDoc,
                    textPrefix, replicas, gate, baseline);
        }

        /** Remembers bases under {@code <root>/.weft/state/<room>/} (never shared: {@code .weft} is excluded). */
        public Options withStateFor(String room) {
            return new Options(root, agent, maxFileBytes, pollInterval, rules, notices, watch,
                    root.resolve(".weft").resolve("state").resolve(room), treeDoc, textPrefix, replicas, gate,
                    baseline);
        }

        /** Uses {@code name} as the tree log document (one per root of a multi-root share). */
        public Options withTreeDocument(String name) {
            return new Options(root, agent, maxFileBytes, pollInterval, rules, notices, watch, stateDir, name,
                    textPrefix, replicas, gate, baseline);
        }

        /**
         * Mirrors one namespace of the room (a git branch's, {@code docs/git.md}, "Branches"): its tree log, its
         * text documents, the gate that keeps git's own rewrites from being read as edits, and the clean text
         * of each path. Remembers no state across runs (a branch's files are found again from git).
         */
        public Options inNamespace(String treeDoc, String textPrefix, DiskGate gate,
                                   java.util.function.Function<String, byte[]> baseline) {
            return new Options(root, agent, maxFileBytes, pollInterval, rules, notices, watch, null, treeDoc,
                    textPrefix, replicas, gate, baseline);
        }
    }

    /**
     * When the disk may be read as edits. Another program (git checking out a branch) may rewrite many files at
     * once; what it writes must never be taken in as edits. A pass asks {@link #open()} first and skips (retrying
     * soon) when it returns null; after reading a file, and before publishing what it read, it asks
     * {@link #stillOpen(Object)} with that token and abandons the pass if the answer is false. Any thread.
     */
    public interface DiskGate {
        /** A token for the current state of the other program, or null while the disk must not be read. */
        Object open();

        /** True if nothing happened since {@code token} was given (so what was read since is the user's). */
        boolean stillOpen(Object token);
    }

    /** The gate closed during a pass: the pass stops, nothing read after the closing is published. */
    private static final class GateClosedException extends RuntimeException {
        GateClosedException() {
            super("the disk gate closed during the pass", null, false, false);
        }
    }

    /** Stamp of an adopted file whose disk state is unknown: never equal to a real one, so it is read. */
    private static final DiskStamp UNKNOWN = new DiskStamp(-1, -1, null);
    /** Bases are saved at most this often (and on close). */
    private static final long SAVE_INTERVAL_NANOS = 2_000_000_000L;

    /** Low bits of a replica's agent that count replicas within one run ({@link #sessionOf}). */
    public static final int AGENT_COUNTER_BITS = 20;
    /** Told about local deletions; any thread adds. */
    private final List<LocalDeletionListener> deletionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Told about room renames and deletes of files open in an editor, and local copies kept aside; any thread adds. */
    private final List<EditorFileListener> editorListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Settings; immutable. */
    private final Options options;
    /** Where documents get their connection; immutable. */
    private final ChannelPool channels;
    /** The engine thread; every field below without another note is confined to it. */
    private final ExecutorService engine;
    /** Debounces passes and drives polling; its tasks only hand work to {@link #engine}. */
    private final ScheduledExecutorService timer;
    private final DiskIo disk;
    private final FolderScanner scanner;
    private final SecureRandom random = new SecureRandom();
    /** The tree log's document and replica. */
    private final SharedDocument treeDoc;
    private final TextDocument treeReplica;
    /** Files this peer tracks, by file id. */
    private final Map<String, TrackedFile> tracked = new HashMap<>();
    /** Blob documents opened here, by SHA-256. */
    private final Map<String, BlobDoc> blobs = new HashMap<>();
    /** Every document that may hold local operations (for {@link #awaitAllAcked}). */
    private final List<SharedDocument> written = new ArrayList<>();
    /** Paths the room has that this peer will not write (told once each). */
    private final Set<String> refusedPaths = new HashSet<>();
    /** Completes with the number of live files once every room file is on disk for the first time. */
    private final CompletableFuture<Integer> settled = new CompletableFuture<>();
    /** Completes after the first complete pass. */
    private final CompletableFuture<FolderScanner.Scan> firstPass = new CompletableFuture<>();
    /** True while a pass is queued (any thread). */
    private final AtomicBoolean passQueued = new AtomicBoolean();
    /**
     * True when the disk may have changed since the last scan (a file-system event, the poll, an editor lease ended,
     * or any caller of {@link #requestPass()}): the next pass scans. A pass asked for by the room only (a document
     * arrived or changed, {@link #requestRoomPass()}) skips the scan while this is false and the watcher runs: with
     * thousands of files arriving, rescanning the disk for each burst was most of a share's work. Any thread sets it,
     * the pass clears it before it scans, so a change made during the scan sets it again.
     */
    private final AtomicBoolean diskDirty = new AtomicBoolean(true);
    /**
     * True if the last scan left a decision for later that needs another scan, not a file-system event: a vanished
     * file whose document had not arrived yet (its delete must say which edits it saw). Engine thread only.
     */
    private boolean rescanDeferred;
    private volatile boolean closed;
    private TreeResolver.Resolution resolution;
    private boolean treeDirty = true;
    private long lamport;
    private FolderScanner.Scan lastScan;
    private boolean readOnlyNoticeGiven;
    private DiskWatcher watcher;
    /** Remembered bases across restarts, or null. */
    private final SyncState state;
    /** What the state held at start; adopted by the first pass, then null. */
    private Map<String, SyncState.Entry> previous;
    /** The entries last saved, by file id. */
    private final Map<String, SyncState.Entry> saved = new HashMap<>();
    private long lastSaveNanos;
    /** Tree lines emitted during this pass, not yet appended (see {@link #flushEvents()}). */
    private final StringBuilder pendingEvents = new StringBuilder();
    /**
     * During {@link #applyRoom} only (else null): tracked files by the case-fold key of their path, so that finding
     * the file in the way of a write is not a walk over every file (quadratic when thousands arrive at once).
     */
    private Map<String, List<TrackedFile>> occupants;
    /** True while a pass runs. */
    private boolean inPass;
    /** The hold on the pool's SyncRequests taken by the first document this pass opened, or null. */
    private SyncChannel.Hold passHold;
    /** How long the last pass took (nanos): the next one waits at least that long (see {@link #requestPass}). */
    private volatile long lastPassNanos;
    /** The gate's token for the running pass ({@link #checkGate}). */
    private Object gateToken;
    /** A one-line account of the last pass for progress reports (any thread reads it). */
    private volatile String progress = "starting";

    private Workspace(Options options, ChannelPool channels) throws IOException {
        this.options = Objects.requireNonNull(options, "options");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.disk = new DiskIo(options.root());
        this.scanner = new FolderScanner(disk.root(), options.rules(), options.maxFileBytes());
        this.engine = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weft-workspace");
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-workspace-timer");
            t.setDaemon(true);
            return t;
        });
        this.state = options.stateDir() == null ? null : new SyncState(options.stateDir());
        this.previous = state == null ? Map.of() : state.load();
        saved.putAll(previous);
        // A fresh agent, not options.agent(): a branch's tree is opened again when its peer returns to the branch.
        this.treeReplica = new TextDocument(newAgent());
        this.treeDoc = SharedDocument.open(channels.next(), options.treeDoc(), treeReplica, engine);
        written.add(treeDoc);
        treeDoc.addRemoteChangeListener(changes -> {
            treeDirty = true;
            requestRoomPass();
        });
        treeDoc.addSyncListener(this::requestRoomPass);
    }

    /**
     * Starts mirroring {@code options.root()} with the room behind {@code channels}: shares every local file the
     * room lacks, writes every room file this disk lacks, and keeps both in step until {@link #close()}.
     *
     * @throws IOException if the root is not a readable directory
     */
    public static Workspace start(Options options, ChannelPool channels) throws IOException {
        if (!java.nio.file.Files.isDirectory(options.root())) {
            throw new java.nio.file.NotDirectoryException(options.root().toString());
        }
        Workspace w = new Workspace(options, channels);
        if (options.watch()) {
            w.watcher = DiskWatcher.start(w.disk.root(), options.rules(), w::requestPass);
        }
        long period = options.pollInterval().toMillis();
        w.timer.scheduleWithFixedDelay(w::requestPass, period, period, TimeUnit.MILLISECONDS);
        return w;
    }

    /** Completes with the number of shared files once every room file is on this disk and local files are shared. */
    public CompletableFuture<Integer> settled() {
        return settled;
    }

    /** Completes with the first pass's scan (what is shared, what is left out and why). */
    public CompletableFuture<FolderScanner.Scan> firstPass() {
        return firstPass;
    }

    /** The room's live files by path, as this peer resolves the tree now. */
    public CompletableFuture<Map<String, ResolvedFile>> files() {
        return CompletableFuture.supplyAsync(() -> resolve().byPath(), engine);
    }

    /** Runs a pass now (with a disk scan) and completes when it is done (tests, shutdown). */
    public CompletableFuture<Void> sync() {
        return CompletableFuture.runAsync(() -> {
            diskDirty.set(true);
            pass();
        }, engine);
    }

    /**
     * Asks for a pass soon (coalesced) that also scans the disk (something may have changed there); callable from any
     * thread.
     */
    public void requestPass() {
        diskDirty.set(true);
        requestRoomPass();
    }

    /**
     * Asks for a pass soon (coalesced) for a change from the room: it scans the disk only if something may have
     * changed there since the last scan (see {@link #diskDirty}). Any thread.
     */
    private void requestRoomPass() {
        if (closed || !passQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            // At least 30 ms (coalescing a burst of events), and at least as long as the last pass took (at most a
            // second): while thousands of documents arrive, passes over every file take a bounded share of the
            // engine thread instead of running back to back.
            long delayMillis = Math.max(30, Math.min(1000, lastPassNanos / 1_000_000));
            timer.schedule(() -> engine.execute(() -> {
                passQueued.set(false);
                long start = System.nanoTime();
                pass();
                lastPassNanos = System.nanoTime() - start;
            }), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            passQueued.set(false);
        }
    }

    /**
     * Waits until the relay has acknowledged as durable every local change made so far.
     *
     * @return false on timeout
     */
    public boolean awaitAllAcked(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SharedDocument> docs;
        try {
            docs = CompletableFuture.supplyAsync(() -> List.copyOf(written), engine).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
        long left = deadline - System.nanoTime();
        return left > 0 && SharedDocument.awaitAllAcked(docs, Duration.ofNanos(left)).isEmpty();
    }

    /**
     * Hands the text file at {@code path} to an editor: until the lease is closed the editor's buffer is the truth,
     * the engine stops reading and writing that disk file, and edits go through the lease's document.
     *
     * @throws BadPathException (in the future) if the room has no text file at that path
     */
    public CompletableFuture<EditorLease> openInEditor(String path) {
        return CompletableFuture.supplyAsync(() -> {
            ResolvedFile f = resolve().byPath().get(path);
            TrackedFile t = f == null ? null : tracked.get(f.fileId());
            if (t == null || t.kind != FileKind.TEXT) {
                throw new BadPathException("no shared text file at '" + path + "'");
            }
            if (t.ownership == FileOwnership.MIRRORED) {
                // The disk may have changed since the last pass (git checkout, sed -i): merge it first, so the
                // editor, which opened the disk's text, is not handed the old shared text as the truth.
                try {
                    syncText(t);
                    flushEvents();
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not read '" + path + "' before handing it to the editor", e);
                }
            }
            t.on(FileOwnership.Event.EDITOR_OPENED);
            return new EditorLease(this, t.fileId, t.doc, t.replica);
        }, engine);
    }

    /**
     * Applies {@code f} to the replica of the text file at {@code path} (with its file id), on the engine thread
     * where the replica is confined: a read of the room's current text and its ids (authorship, {@code docs/git.md}).
     * {@code f} must not keep or change the replica.
     *
     * @return fails with {@link BadPathException} if the room has no text file at {@code path}
     */
    public <T> CompletableFuture<T> readText(String path, java.util.function.BiFunction<String, TextDocument, T> f) {
        return CompletableFuture.supplyAsync(() -> {
            ResolvedFile rf = resolve().byPath().get(path);
            TrackedFile t = rf == null ? null : tracked.get(rf.fileId());
            if (t == null || t.kind != FileKind.TEXT || t.replica == null) {
                throw new BadPathException("no shared text file at '" + path + "'");
            }
            return f.apply(t.fileId, t.replica);
        }, engine);
    }

    /** The paths of the files this peer has on disk for the room (mirrored or open in an editor), sorted. */
    public CompletableFuture<List<String>> localPaths() {
        return CompletableFuture.supplyAsync(() -> tracked.values().stream()
                .filter(t -> t.ownership == FileOwnership.MIRRORED || t.ownership == FileOwnership.EDITOR)
                .map(t -> t.path).sorted().toList(), engine);
    }

    /** This peer's replica text of the room's text file at {@code path}, or null if it has none there. */
    public CompletableFuture<String> replicaText(String path) {
        return CompletableFuture.supplyAsync(() -> {
            ResolvedFile f = resolve().byPath().get(path);
            TrackedFile t = f == null ? null : tracked.get(f.fileId());
            return t == null || t.replica == null ? null : t.replica.getText();
        }, engine);
    }

    /** Ends an editor lease: the disk becomes the base again and the replica's text is written if they differ. */
    void closeLease(String fileId) {
        engine.execute(() -> {
            TrackedFile t = tracked.get(fileId);
            if (t == null || t.ownership != FileOwnership.EDITOR) {
                return;
            }
            try {
                if (t.editorDiskPath != null) {
                    // Renamed by the room while open and the editor did not move it: the engine moves it now.
                    if (disk.read(t.path) == null && disk.read(t.editorDiskPath) != null) {
                        clearFor(t, t.path);
                        disk.move(t.editorDiskPath, t.path);
                    }
                    t.editorDiskPath = null;
                }
                byte[] bytes = disk.read(t.path);
                String text = bytes == null ? null : DiskIo.decodeText(bytes);
                t.base = text != null ? text : t.replica.getText();
                t.stamp = DiskStamp.read(disk.root().resolve(t.path));
                if (t.stamp == null) {
                    t.stamp = disk.write(t.path, t.base.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "editor closed '" + t.path + "', disk unreadable", e);
            }
            t.contentDirty = true;
            t.on(FileOwnership.Event.EDITOR_CLOSED);
            requestPass();
        });
    }

    /**
     * Stops mirroring: a last pass takes in what changed on disk, then waits (bounded by {@code ackTimeout}) until
     * the relay acknowledged every local change, and closes the documents. The channels stay open (their owner
     * closes them). Idempotent.
     *
     * @return true if everything local was acknowledged
     */
    public boolean close(Duration ackTimeout) throws InterruptedException {
        return stop(ackTimeout, true, null);
    }

    /**
     * Stops mirroring <em>without</em> reading the disk again (another program has rewritten it: a git checkout,
     * {@code docs/git.md}, "Branches"), waits (bounded by {@code ackTimeout}) until the relay acknowledged every
     * local change taken in before, and closes the documents. Nothing is written to the disk after this starts.
     *
     * @return true if everything local was acknowledged
     */
    public boolean detach(Duration ackTimeout) throws InterruptedException {
        return stop(ackTimeout, false, null);
    }

    /**
     * {@link #detach(Duration)} that does not give up: while the relay has not acknowledged everything (offline),
     * runs {@code stillWaiting} every {@code ackTimeout} and waits on; the documents are closed only then, so
     * nothing taken in is lost. Interrupting the caller stops the wait (the documents stay open).
     */
    public void detach(Duration ackTimeout, Runnable stillWaiting) throws InterruptedException {
        stop(ackTimeout, false, Objects.requireNonNull(stillWaiting, "stillWaiting"));
    }

    private boolean stop(Duration ackTimeout, boolean lastPass, Runnable stillWaiting) throws InterruptedException {
        if (closed) {
            return true;
        }
        if (watcher != null) {
            watcher.close();
        }
        if (lastPass) {
            try {
                sync().get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "last pass before closing failed", e);
            }
        } else {
            try {
                engine.submit(() -> {
                    closed = true;   // on the engine: no pass runs after this point
                }).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.log(Level.WARNING, "stopping the engine failed", e);
            }
        }
        closed = true;
        timer.shutdownNow();
        boolean acked = awaitAllAcked(ackTimeout);
        while (!acked && stillWaiting != null) {
            stillWaiting.run();
            acked = awaitAllAcked(ackTimeout);
        }
        if (state != null) {
            try {
                engine.submit(this::saveState).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "saving the sync state on close failed", e);
            }
        }
        // SharedDocument.close() waits on its executor, which is the engine: collect there, close from here.
        List<SharedDocument> docs = new ArrayList<>();
        try {
            engine.submit(() -> {
                for (TrackedFile t : tracked.values()) {
                    if (t.doc != null) {
                        docs.add(t.doc);
                    }
                }
                for (BlobDoc b : blobs.values()) {
                    docs.add(b.doc);
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "collecting documents to close failed", e);
        }
        for (SharedDocument d : docs) {
            d.close();
        }
        treeDoc.close();
        engine.shutdown();
        return acked;
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }

    // ---- engine thread --------------------------------------------------------------------------------------

    private TreeResolver.Resolution resolve() {
        if (treeDirty || resolution == null) {
            resolution = TreeResolver.resolve(treeReplica.getText());
            treeDirty = false;
            lamport = Math.max(lamport, resolution.maxLamport());
        }
        return resolution;
    }

    private boolean readOnly() {
        return channels.first().readOnly();
    }

    private void pass() {
        if (closed || !treeDoc.firstSync().isDone()) {
            return;
        }
        gateToken = options.gate() == null ? Boolean.TRUE : options.gate().open();
        if (gateToken == null) {
            retryLater();
            return;
        }
        inPass = true;
        try {
            passHeld();
        } finally {
            inPass = false;
            SyncChannel.Hold hold = passHold;
            passHold = null;
            if (hold != null) {
                // Each document opened by the pass starts its sync as a task on this engine thread, queued during
                // the pass: the hold is released by a task queued after them.
                try {
                    engine.execute(hold::close);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    hold.close();
                }
            }
        }
    }

    private void passHeld() {
        try {
            if (previous != null) {
                adoptPrevious();
            }
            // Cleared before the scan: a change during the scan sets it again, and the next pass scans again.
            boolean scanDisk = diskDirty.getAndSet(false) || rescanDeferred || watcher == null || lastScan == null;
            FolderScanner.Scan scan = lastScan;
            if (scanDisk) {
                scan = scanner.scan();
                lastScan = scan;
                try {
                    takeLocalChanges(scan);
                } finally {
                    flushEvents();
                }
            }
            try {
                applyRoom();
            } finally {
                flushEvents();
            }
            if (!firstPass.isDone()) {
                firstPass.complete(scan);
            }
            checkSettled();
            if (state != null && System.nanoTime() - lastSaveNanos > SAVE_INTERVAL_NANOS) {
                saveState();
            }
        } catch (GateClosedException e) {
            retryLater();   // what was read after the gate closed was not published; the next pass reads again
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "workspace pass failed; retrying on the next one", e);
            options.notices().accept("error while mirroring: " + e);
        }
    }

    /**
     * A restarted peer takes back the files it remembers, as MIRRORED with their old base and an unknown stamp:
     * the first scan then merges what changed on disk meanwhile (against the base) as edits, notices files
     * deleted or renamed meanwhile, and the room's changes apply on top.
     */
    private void adoptPrevious() {
        for (SyncState.Entry e : previous.values()) {
            TrackedFile t = new TrackedFile(e.fileId(), e.kind(), e.path());
            if (e.kind() == FileKind.TEXT) {
                openText(t);
                t.base = e.base();
            } else {
                t.blobHash = e.hash();
            }
            t.stamp = UNKNOWN;
            tracked.put(t.fileId, t);
            t.on(FileOwnership.Event.MATERIALIZED);
        }
        if (!previous.isEmpty()) {
            options.notices().accept("resuming " + previous.size() + " files remembered from the last run");
        }
        previous = null;
    }

    /**
     * Remembers each file's base if everything this peer wrote to it is durable (else the previously saved base
     * stays: after a crash the changes since are found on disk again and merged).
     */
    private void saveState() {
        lastSaveNanos = System.nanoTime();
        List<SyncState.Entry> entries = new ArrayList<>();
        for (TrackedFile t : tracked.values()) {
            SyncState.Entry e = null;
            if (t.ownership == FileOwnership.MIRRORED && t.stamp != UNKNOWN) {
                if (t.kind == FileKind.BINARY) {
                    e = new SyncState.Entry(t.fileId, t.kind, t.path, null, t.blobHash);
                } else if (t.doc.unackedCount() == 0 && !t.initialInsertPending && t.doc.firstSync().isDone()) {
                    e = new SyncState.Entry(t.fileId, t.kind, t.path, t.base, null);
                }
            }
            if (e == null) {
                e = saved.get(t.fileId);
            }
            if (e != null) {
                entries.add(e);
            }
        }
        try {
            state.save(entries);
            saved.clear();
            entries.forEach(e -> saved.put(e.fileId(), e));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not save the sync state", e);
        }
    }

    /** Asks for a pass after the gate had no answer yet (a pass requested meanwhile coalesces with it). */
    private void retryLater() {
        try {
            timer.schedule(this::requestPass, 100, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * Throws {@link GateClosedException} if the gate closed since this pass began: called after reading the disk
     * and before publishing what was read, so nothing another program wrote meanwhile becomes an edit.
     */
    private void checkGate() {
        if (options.gate() != null && !options.gate().stillOpen(gateToken)) {
            throw new GateClosedException();
        }
    }

    /** A one-line account of the last pass, e.g. {@code "4210/5000 room files on disk"} (for progress output). */
    public String progress() {
        return progress;
    }

    private void checkSettled() {
        int live = resolve().live().size();
        long here = tracked.values().stream().filter(t -> t.ownership == FileOwnership.MIRRORED).count();
        progress = here + "/" + live + " room files on disk";
        if (settled.isDone()) {
            return;
        }
        for (TrackedFile t : tracked.values()) {
            if (t.kind == FileKind.TEXT && t.ownership == FileOwnership.MIRRORED
                    && (!t.doc.firstSync().isDone() || t.contentDirty)) {
                return;
            }
        }
        for (ResolvedFile f : resolve().live().values()) {
            TrackedFile t = tracked.get(f.fileId());
            if (!refusedPaths.contains(f.path()) && (t == null || t.ownership == FileOwnership.PENDING)) {
                return;
            }
        }
        settled.complete(resolve().live().size());
    }

    /** Step 1: what other programs did on disk becomes tree events and text edits. */
    private void takeLocalChanges(FolderScanner.Scan scan) throws IOException {
        TreeResolver.Resolution res = resolve();
        Map<String, TrackedFile> byPath = new HashMap<>();
        for (TrackedFile t : tracked.values()) {
            if (t.ownership == FileOwnership.MIRRORED || t.ownership == FileOwnership.EDITOR) {
                byPath.put(t.path, t);
            }
            if (t.ownership == FileOwnership.EDITOR && t.editorDiskPath != null) {
                byPath.put(t.editorDiskPath, t); // renamed by the room while open: the editor's, not a new file
            }
        }
        // Paths where a room file will be written: an untracked local file there is handled by materialize().
        Set<String> wanted = new HashSet<>();
        for (ResolvedFile f : res.live().values()) {
            TrackedFile t = tracked.get(f.fileId());
            if (t == null || t.ownership == FileOwnership.PENDING) {
                wanted.add(PathValidator.caseFoldKey(f.path()));
            }
        }
        List<TrackedFile> missing = new ArrayList<>();
        rescanDeferred = false;
        for (TrackedFile t : byPath.values()) {
            if (t.ownership != FileOwnership.MIRRORED || isParked(t.path)) {
                continue; // a parked file is out of the scan on purpose (applyRoom moves it on)
            }
            DiskStamp now = scan.shared().get(t.path);
            if (now == null) {
                missing.add(t);
            } else if (!now.equals(t.stamp)) {
                ingest(t);
            }
        }
        boolean ro = readOnly();
        Set<String> deletedPaths = deletedPaths(res);
        for (Map.Entry<String, DiskStamp> e : scan.shared().entrySet()) {
            String path = e.getKey();
            if (byPath.containsKey(path) || wanted.contains(PathValidator.caseFoldKey(path))) {
                continue;
            }
            if (ro) {
                readOnlyNotice(path);
                continue;
            }
            byte[] bytes = disk.read(path);
            if (bytes == null) {
                continue;
            }
            checkGate();
            if (deletedPaths.contains(path) && isBaseline(path, bytes)) {
                // Clean (as checked out) where the room deleted the file: the deletion stands (docs/git.md).
                disk.delete(path);
                continue;
            }
            TrackedFile moved = findMoved(missing, bytes);
            if (moved != null) {
                missing.remove(moved);
                emit(TreeEvent.path(moved.fileId, nextLamport(), options.agent(), moved.kind, path));
                moved.path = path;
                moved.stamp = e.getValue();
            } else {
                createLocal(path, bytes, e.getValue());
            }
        }
        for (TrackedFile t : missing) {
            if (t.kind == FileKind.TEXT && !t.doc.firstSync().isDone()) {
                rescanDeferred = true;
                continue; // a delete must say which edits it saw: decide once the document has arrived
            }
            if (java.nio.file.Files.exists(disk.root().resolve(t.path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // Still there but no longer shared (a new ignore rule, grew over the limit): stop mirroring it here.
                options.notices().accept("'" + t.path + "' is no longer shared from here ("
                        + scan.excluded().getOrDefault(t.path, "left out") + "); others keep it");
                forget(t);
                continue;
            }
            if (ro) {
                readOnlyNotice(t.path);
                continue;
            }
            checkGate();
            emit(TreeEvent.delete(t.fileId, nextLamport(), options.agent(),
                    t.replica == null ? null : t.replica.version()));
            forget(t);
        }
    }

    /** With a {@link Options#baseline()}: the last paths of the room's deleted files; else empty. */
    private Set<String> deletedPaths(TreeResolver.Resolution res) {
        if (options.baseline() == null) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (String id : res.deletes().keySet()) {
            String p = res.lastPaths().get(id);
            if (p != null) {
                out.add(p);
            }
        }
        out.removeAll(res.byPath().keySet());
        return out;
    }

    /** A tracked file whose last known content equals {@code bytes}: a rename or move done outside. */
    private TrackedFile findMoved(List<TrackedFile> missing, byte[] bytes) {
        if (missing.isEmpty()) {
            return null;
        }
        String text = DiskIo.decodeText(bytes);
        String hash = null;
        for (TrackedFile t : missing) {
            if (t.kind == FileKind.TEXT && text != null && text.equals(t.base)) {
                return t;
            }
            if (t.kind == FileKind.BINARY) {
                hash = hash != null ? hash : sha256(bytes);
                if (hash.equals(t.blobHash)) {
                    return t;
                }
            }
        }
        return null;
    }

    /** A file that appeared on disk: a new file id, its content uploaded, a path event. */
    private void createLocal(String path, byte[] bytes, DiskStamp stamp) {
        String id = HexFormat.of().formatHex(longBytes(random.nextLong()));
        String text = DiskIo.decodeText(bytes);
        FileKind kind = text != null ? FileKind.TEXT : FileKind.BINARY;
        TrackedFile t = new TrackedFile(id, kind, path);
        if (kind == FileKind.TEXT) {
            openText(t);
            t.base = text;
            t.initialInsertPending = true;
            engine.execute(() -> {
                if (!text.isEmpty() && !closed) {
                    t.doc.publish(t.replica.insert(0, text));
                }
                t.initialInsertPending = false;
            });
        } else {
            t.blobHash = sha256(bytes);
            uploadBlob(t.blobHash, bytes);
        }
        t.stamp = stamp;
        tracked.put(id, t);
        t.on(FileOwnership.Event.MATERIALIZED);
        emit(TreeEvent.path(id, nextLamport(), options.agent(), kind, path));
        if (kind == FileKind.BINARY) {
            emit(TreeEvent.blob(id, nextLamport(), options.agent(), t.blobHash));
        }
    }

    /** A tracked MIRRORED file whose stamp changed: merge its text, or upload its new bytes. */
    private void ingest(TrackedFile t) throws IOException {
        if (t.kind == FileKind.TEXT) {
            syncText(t);
            return;
        }
        byte[] bytes = disk.read(t.path);
        if (bytes == null) {
            return;
        }
        String hash = sha256(bytes);
        checkGate();
        t.stamp = DiskStamp.read(disk.root().resolve(t.path));
        if (!hash.equals(t.blobHash)) {
            if (readOnly()) {
                readOnlyNotice(t.path);
                return;
            }
            t.blobHash = hash;
            uploadBlob(hash, bytes);
            emit(TreeEvent.blob(t.fileId, nextLamport(), options.agent(), hash));
        }
    }

    /**
     * Keeps disk == replica for a MIRRORED text file: merges disk changes (against the base) into the replica and
     * writes the merged text if the disk differs.
     */
    private void syncText(TrackedFile t) throws IOException {
        if (t.initialInsertPending || !t.doc.firstSync().isDone()) {
            return;
        }
        java.nio.file.Path file = disk.root().resolve(t.path);
        DiskStamp before = DiskStamp.read(file);
        byte[] bytes = before == null ? null : disk.read(t.path);
        if (bytes == null) {
            return; // gone: the next scan reports it missing
        }
        String diskText = DiskIo.decodeText(bytes);
        if (!Objects.equals(diskText, t.base)) {
            checkGate();
        }
        if (diskText == null) {
            turnBinary(t, bytes, before);
            return;
        }
        String replicaText = t.replica.getText();
        if (!diskText.equals(t.base)) {
            if (readOnly()) {
                String aside = disk.moveAside(t.path);
                options.notices().accept("read-only: your change to '" + t.path + "' is not shared; kept as '"
                        + aside + "'");
                diskText = t.base;
            } else {
                for (MinimalDiff.Edit e : TextMerge.merge(t.base, replicaText, diskText)) {
                    if (e.length() > 0) {
                        dev.weft.crdt.model.LocalEdit del = t.replica.delete(e.offset(), e.length());
                        t.doc.publish(del);
                        for (LocalDeletionListener l : deletionListeners) {
                            l.deleted(t.fileId, del.deleted());
                        }
                    }
                    if (!e.text().isEmpty()) {
                        t.doc.publish(t.replica.insert(e.offset(), e.text()));
                    }
                }
                replicaText = t.replica.getText();
            }
        }
        DiskStamp stamp = before;
        if (!replicaText.equals(diskText) || DiskStamp.read(file) == null) {
            if (!Objects.equals(DiskStamp.read(file), before) && DiskStamp.read(file) != null) {
                return; // changed again while we merged: the next pass merges that too
            }
            stamp = disk.write(t.path, replicaText.getBytes(StandardCharsets.UTF_8));
        }
        t.base = replicaText;
        t.stamp = stamp;
        t.contentDirty = false;
    }

    /** A text file whose disk bytes are no longer text: it continues as a binary file (same id). */
    private void turnBinary(TrackedFile t, byte[] bytes, DiskStamp stamp) {
        if (readOnly()) {
            readOnlyNotice(t.path);
            return;
        }
        t.kind = FileKind.BINARY;
        t.blobHash = sha256(bytes);
        t.base = null;
        t.stamp = stamp;
        uploadBlob(t.blobHash, bytes);
        emit(TreeEvent.path(t.fileId, nextLamport(), options.agent(), FileKind.BINARY, t.path));
        emit(TreeEvent.blob(t.fileId, nextLamport(), options.agent(), t.blobHash));
    }

    /** Step 2: brings the disk to the resolved tree. */
    private void applyRoom() throws IOException {
        TreeResolver.Resolution res = resolve();
        occupants = new HashMap<>();
        for (TrackedFile t : tracked.values()) {
            noteMoved(t);
        }
        try {
            applyResolution(res);
        } finally {
            occupants = null;
        }
    }

    /**
     * Indexes {@code t} under the case-fold key of its current path (during {@link #applyRoom} only). Entries under
     * older keys may stay: {@link #clearFor} checks each candidate's current key.
     */
    private void noteMoved(TrackedFile t) {
        if (occupants != null) {
            List<TrackedFile> at = occupants.computeIfAbsent(t.foldKey(), k -> new ArrayList<>(1));
            if (!at.contains(t)) {
                at.add(t);
            }
        }
    }

    private void applyResolution(TreeResolver.Resolution res) throws IOException {
        for (ResolvedFile f : res.live().values()) {
            if (!mayWrite(f.path())) {
                continue;
            }
            TrackedFile t = tracked.get(f.fileId());
            if (t == null) {
                t = new TrackedFile(f.fileId(), f.kind(), f.path());
                if (f.kind() == FileKind.TEXT) {
                    openText(t);
                }
                tracked.put(f.fileId(), t);
            }
            if (t.ownership == FileOwnership.EDITOR) {
                if (!t.path.equals(f.path())) {
                    // The editor owns the disk file: it stays where it is until the editor follows the rename
                    // (or the lease ends, then the engine moves it); the editor is told.
                    String from = t.editorDiskPath != null ? t.editorDiskPath : t.path;
                    t.editorDiskPath = from;
                    t.path = f.path();
                    for (EditorFileListener l : editorListeners) {
                        l.renamed(t.fileId, from, f.path());
                    }
                }
                continue;
            }
            if (t.kind != f.kind()) {
                t.kind = f.kind();
                if (t.kind == FileKind.TEXT && t.doc == null) {
                    openText(t);
                }
                if (t.ownership == FileOwnership.MIRRORED && t.kind == FileKind.TEXT) {
                    // A binary that became text elsewhere: the disk bytes are replaced by the room's text below.
                    t.base = "";
                }
            }
            try {
                applyFile(t, f);
            } catch (BadPathException e) {
                // DiskIo refused the write (a symbolic link or a file in the way of a directory): never written.
                if (refusedPaths.add(f.path())) {
                    options.notices().accept("not writing room file '" + f.path() + "' (" + e.getMessage() + ")");
                }
            }
        }
        List<TrackedFile> gone = new ArrayList<>();
        for (TrackedFile t : tracked.values()) {
            if (!res.live().containsKey(t.fileId) && t.ownership != FileOwnership.GONE) {
                gone.add(t);
            }
        }
        for (TrackedFile t : gone) {
            remoteDelete(t, res.deletes().get(t.fileId));
        }
    }

    private void applyFile(TrackedFile t, ResolvedFile f) throws IOException {
        if (t.ownership == FileOwnership.PENDING) {
            materialize(t, f);
            return;
        }
        if (!t.path.equals(f.path())) {
            moveTo(t, f.path());
        }
        if (t.kind == FileKind.TEXT) {
            if (t.contentDirty) {
                syncText(t);
            }
        } else if (f.blob() != null && !f.blob().equals(t.blobHash)) {
            byte[] bytes = blobBytes(f.blob());
            if (bytes != null) {
                t.stamp = disk.write(t.path, bytes);
                t.blobHash = f.blob();
            }
        }
    }

    private boolean mayWrite(String path) {
        String why = null;
        if (IgnoreRules.alwaysExcluded(path, false)) {
            why = "always excluded here";
        } else if (lastScan != null && lastScan.excluded().containsKey(path)) {
            why = "excluded here: " + lastScan.excluded().get(path);
        } else if (!PathValidator.isValid(path)) {
            why = "name not allowed";
        }
        if (why != null && refusedPaths.add(path)) {
            options.notices().accept("not writing room file '" + path + "' (" + why + ")");
        }
        return why == null;
    }

    /** Writes a room file this disk does not have yet; a different local file there is kept aside. */
    private void materialize(TrackedFile t, ResolvedFile f) throws IOException {
        byte[] content;
        if (f.kind() == FileKind.TEXT) {
            if (!t.doc.firstSync().isDone()) {
                return;
            }
            content = t.replica.getText().getBytes(StandardCharsets.UTF_8);
        } else {
            if (f.blob() == null || (content = blobBytes(f.blob())) == null) {
                return;
            }
        }
        clearFor(t, f.path());
        byte[] local = disk.read(f.path());
        DiskStamp stamp;
        if (local != null && java.util.Arrays.equals(local, content)) {
            stamp = DiskStamp.read(disk.root().resolve(f.path()));
        } else {
            if (local != null && !isBaseline(f.path(), local)) {
                String aside = disk.moveAside(f.path());
                options.notices().accept("'" + f.path() + "' differed from the room's: your copy is kept as '"
                        + aside + "' (not shared)");
                for (EditorFileListener l : editorListeners) {
                    l.keptAside(f.path(), aside);
                }
            }
            stamp = disk.write(f.path(), content);
        }
        t.path = f.path();
        noteMoved(t);
        t.stamp = stamp;
        if (f.kind() == FileKind.TEXT) {
            t.base = new String(content, StandardCharsets.UTF_8);
            t.contentDirty = true;
        } else {
            t.blobHash = f.blob();
        }
        t.on(FileOwnership.Event.MATERIALIZED);
    }

    /** True if {@code bytes} are {@code path}'s clean bytes ({@link Options#baseline()}): nobody's changes. */
    private boolean isBaseline(String path, byte[] bytes) {
        if (options.baseline() == null) {
            return false;
        }
        byte[] clean = options.baseline().apply(path);
        return clean != null && java.util.Arrays.equals(clean, bytes);
    }

    /** Basename prefix of a tracked file parked while another file takes its place (excluded as .weft-*.tmp). */
    private static final String PARKED = ".weft-move-";

    private static boolean isParked(String path) {
        return path.substring(path.lastIndexOf('/') + 1).startsWith(PARKED);
    }

    /**
     * If another tracked file is on disk at {@code target} (it is moving away in this same resolution: the tree
     * never gives two live files one path), parks it under a temporary excluded name so that {@code target} can be
     * written; its own move, from the parking place, follows in this pass or the next.
     */
    private void clearFor(TrackedFile t, String target) throws IOException {
        String targetKey = PathValidator.caseFoldKey(target);
        Iterable<TrackedFile> candidates = occupants == null ? tracked.values()
                : occupants.getOrDefault(targetKey, List.of());
        for (TrackedFile other : List.copyOf((java.util.Collection<TrackedFile>) candidates)) {
            if (other != t && other.ownership == FileOwnership.MIRRORED && other.foldKey().equals(targetKey)) {
                if (other.kind == FileKind.TEXT) {
                    syncText(other); // take in what changed on disk before it moves
                }
                int slash = other.path.lastIndexOf('/');
                String parked = other.path.substring(0, slash + 1) + PARKED + other.fileId + ".tmp";
                if (disk.read(other.path) != null) {
                    other.stamp = disk.move(other.path, parked);
                }
                other.path = parked;
                noteMoved(other);
                requestPass();
                return;
            }
        }
    }

    /** A rename from the room: moves the disk file (after merging what changed on disk). */
    private void moveTo(TrackedFile t, String target) throws IOException {
        if (t.kind == FileKind.TEXT && !isParked(t.path)) {
            syncText(t);
        }
        clearFor(t, target);
        byte[] there = disk.read(target);
        if (there != null) {
            String aside = disk.moveAside(target);
            options.notices().accept("'" + target + "' was in the way of a rename: kept as '" + aside + "'");
        }
        if (disk.read(t.path) == null) {
            t.path = target; // nothing to move; the next pass writes it
            noteMoved(t);
            t.contentDirty = true;
            t.stamp = null;
            t.ownership = FileOwnership.PENDING;
            return;
        }
        t.stamp = disk.move(t.path, target);
        t.path = target;
        noteMoved(t);
    }

    /**
     * The room deleted a file this peer has. Changes on disk are merged first; if this peer's replica then holds
     * edits the deleter had not seen, the file is restored (nothing typed vanishes); otherwise it is deleted here.
     */
    private void remoteDelete(TrackedFile t, TreeEvent delete) throws IOException {
        if (t.ownership == FileOwnership.PENDING) {
            forget(t);
            return;
        }
        boolean restore = false;
        if (t.kind == FileKind.TEXT && t.ownership == FileOwnership.MIRRORED) {
            if (!t.doc.firstSync().isDone() || t.initialInsertPending) {
                return; // its disk changes cannot be merged yet: decide once its document has arrived
            }
            syncText(t);
            restore = delete != null && !delete.seen().covers(t.replica.version());
        } else if (t.kind == FileKind.BINARY) {
            byte[] bytes = disk.read(t.path);
            restore = bytes != null && !sha256(bytes).equals(t.blobHash);
            if (restore) {
                t.blobHash = sha256(bytes);
                uploadBlob(t.blobHash, bytes);
                emit(TreeEvent.blob(t.fileId, nextLamport(), options.agent(), t.blobHash));
            }
        } else if (t.ownership == FileOwnership.EDITOR) {
            // Open in an editor: the buffer is the truth. Restored if it holds edits the deleter had not seen (as
            // any holder of unseen edits); otherwise the delete wins here too, and the editor is told.
            restore = t.kind != FileKind.TEXT || delete == null || !delete.seen().covers(t.replica.version());
            if (!restore) {
                editorDeleted(t);
                return;
            }
        }
        if (restore && !readOnly()) {
            options.notices().accept("'" + t.path + "' was deleted by someone while it had changes they had not seen:"
                    + " restored");
            emit(TreeEvent.path(t.fileId, nextLamport(), options.agent(), t.kind, t.path));
            return;
        }
        disk.delete(t.path);
        forget(t);
    }

    /**
     * A file open in an editor was deleted by the room (the deleter saw every edit): the disk file goes only if it
     * holds exactly the shared text (the buffer was saved); a buffer with unsaved typing keeps its disk file, so
     * saving it shares the file again as a new one. The editor is told either way.
     */
    private void editorDeleted(TrackedFile t) throws IOException {
        String onDisk = t.editorDiskPath != null ? t.editorDiskPath : t.path;
        byte[] bytes = disk.read(onDisk);
        boolean saved = bytes == null || t.replica.getText().equals(DiskIo.decodeText(bytes));
        if (saved && bytes != null) {
            disk.delete(onDisk);
        }
        forget(t);
        for (EditorFileListener l : editorListeners) {
            l.deleted(t.fileId, onDisk, !saved);
        }
    }

    private void forget(TrackedFile t) {
        tracked.remove(t.fileId);
        if (t.doc != null) {
            SharedDocument d = t.doc;
            written.remove(d);
            // close() waits on the engine (its executor): run it elsewhere.
            CompletableFuture.runAsync(d::close);
        }
        t.ownership = t.ownership.on(FileOwnership.Event.REMOVED);
    }

    /** Documents opened by a pass (a share's or join's thousands) sync as a few SyncBatchRequests. */
    private void holdForPass() {
        if (inPass && passHold == null) {
            passHold = channels.holdSyncRequests();
        }
    }

    private void openText(TrackedFile t) {
        holdForPass();
        t.replica = new TextDocument(newAgent());
        t.doc = SharedDocument.open(channels.next(), options.textPrefix() + t.fileId, t.replica, engine);
        written.add(t.doc);
        t.doc.addRemoteChangeListener(changes -> {
            t.contentDirty = true;
            requestRoomPass();
        });
        t.doc.addSyncListener(() -> {
            t.contentDirty = true;
            requestRoomPass();
        });
    }

    /**
     * Queues a tree event; {@link #flushEvents()} appends the queued lines as one insertion (one update on the
     * wire, however many files a pass created).
     */
    private void emit(TreeEvent e) {
        pendingEvents.append(e.toLine());
    }

    private void flushEvents() {
        if (pendingEvents.length() == 0) {
            return;
        }
        LocalEdit edit = treeReplica.insert(treeReplica.length(), pendingEvents.toString());
        pendingEvents.setLength(0);
        treeDoc.publish(edit);
        treeDirty = true;
    }

    /**
     * The next Lamport clock: above every event this peer has seen. The resolution is not recomputed here: remote
     * tree changes are integrated on this same thread, so none arrives during a pass, and the pass resolved first.
     */
    private long nextLamport() {
        lamport = Math.max(lamport, resolution == null ? 0 : resolution.maxLamport()) + 1;
        return lamport;
    }

    private void readOnlyNotice(String path) {
        if (!readOnlyNoticeGiven) {
            readOnlyNoticeGiven = true;
            options.notices().accept("read-only member: local changes (e.g. '" + path + "') are not shared");
        }
    }

    // ---- blobs ----------------------------------------------------------------------------------------------

    /** An immutable content-addressed document: lines of base64, any of which hashes to the name. */
    private static final class BlobDoc {
        final SharedDocument doc;
        final TextDocument replica;

        BlobDoc(SharedDocument doc, TextDocument replica) {
            this.doc = doc;
            this.replica = replica;
        }
    }

    private BlobDoc openBlob(String hash) {
        return blobs.computeIfAbsent(hash, h -> {
            TextDocument r = new TextDocument(newAgent());
            holdForPass();
            SharedDocument d = SharedDocument.open(channels.next(), TreeNames.blobDoc(h), r, engine);
            d.addSyncListener(this::requestRoomPass);
            d.addRemoteChangeListener(changes -> requestRoomPass());
            return new BlobDoc(d, r);
        });
    }

    /** Uploads {@code bytes} as blob {@code hash} once its document is synced, unless the room has it already. */
    private void uploadBlob(String hash, byte[] bytes) {
        BlobDoc b = openBlob(hash);
        written.add(b.doc);
        b.doc.firstSync().thenRunAsync(() -> {
            if (!closed && blobFrom(b.replica.getText(), hash) == null) {
                String line = Base64.getEncoder().encodeToString(bytes) + "\n";
                b.doc.publish(b.replica.insert(b.replica.length(), line));
            }
        }, engine);
    }

    /** The blob's bytes if its document has arrived, else null (a pass follows its arrival). */
    private byte[] blobBytes(String hash) {
        BlobDoc b = openBlob(hash);
        if (!b.doc.firstSync().isDone()) {
            return null;
        }
        return blobFrom(b.replica.getText(), hash);
    }

    /** Concurrent uploads of one blob leave several whole lines; any line with the right hash will do. */
    private static byte[] blobFrom(String text, String hash) {
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                byte[] bytes = Base64.getDecoder().decode(line);
                if (sha256(bytes).equals(hash)) {
                    return bytes;
                }
            } catch (IllegalArgumentException e) {
                // not base64: a partial line still arriving
            }
        }
        return null;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /**
     * A fresh agent for each replica: a document closed and opened again (a file deleted, then restored) must
     * never reuse the ids of its earlier replica. The tree replica keeps {@link Options#agent()}.
     */
    private long newAgent() {
        long n = options.replicas().incrementAndGet();
        if (n < (1L << AGENT_COUNTER_BITS)) {
            return (options.agent() & ~((1L << AGENT_COUNTER_BITS) - 1)) | n;
        }
        return random.nextLong() & ((1L << 53) - 1);   // a million replicas in one run: no longer attributable
    }

    /**
     * The session an agent of a workspace replica belongs to: every replica this engine opens gets an agent
     * {@code session << AGENT_COUNTER_BITS | counter}, with the session taken from {@link Options#agent()}, so a
     * single line per run can name who typed in all of them ({@code docs/git.md}, "Identity").
     */
    public static long sessionOf(long agent) {
        return agent >>> AGENT_COUNTER_BITS;
    }

    /**
     * Tells {@code l} (on the engine thread) about every deletion this peer makes in a text file's replica
     * (from a change on disk): which ids it deleted. Deletions have no ids of their own in the CRDT, so whoever
     * needs to know who deleted what (authorship, {@code docs/git.md}) records them from here.
     */
    public void addLocalDeletionListener(LocalDeletionListener l) {
        deletionListeners.add(Objects.requireNonNull(l, "l"));
    }

    /** Adds a listener for what an editor front end must follow or offer (see {@link EditorFileListener}). */
    public void addEditorFileListener(EditorFileListener l) {
        editorListeners.add(Objects.requireNonNull(l, "l"));
    }

    /**
     * What an editor front end must follow or offer; called on the engine thread (must not block on it). Paths are
     * root-relative.
     */
    public interface EditorFileListener {
        /**
         * The room renamed a file open in an editor: its disk file is still at {@code from} until the editor
         * renames it (or the lease ends, then the engine moves it to {@code to}).
         */
        default void renamed(String fileId, String from, String to) {
        }

        /**
         * The room deleted a file open in an editor (the deleter had seen every edit). {@code unsaved}: the disk
         * did not hold the shared text, so the disk file was left for the editor's buffer (saving it shares it
         * again); otherwise the disk file is gone.
         */
        default void deleted(String fileId, String path, boolean unsaved) {
        }

        /** Joining: the local file at {@code path} differed from the room's and was kept as {@code aside}. */
        default void keptAside(String path, String aside) {
        }
    }

    /** See {@link #addLocalDeletionListener}. */
    @FunctionalInterface
    public interface LocalDeletionListener {
        void deleted(String fileId, dev.weft.crdt.model.IdSet ids);
    }

    private static byte[] longBytes(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }
}
