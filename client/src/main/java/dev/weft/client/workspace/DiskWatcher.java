package dev.weft.client.workspace;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns file-system events under the root into "look again" signals (the engine rescans; events carry no data it
 * relies on). Registers every shared directory, and new ones as they appear, skipping excluded ones ({@code .git},
 * {@code node_modules/} when ignored…: each watch costs a kernel resource). If the platform
 * refuses (e.g. out of inotify watches), the engine's periodic rescan is the fallback.
 */
final class DiskWatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DiskWatcher.class.getName());

    /** The service; immutable reference. */
    private final WatchService service;
    /** Called on any event (from the watcher thread); immutable. */
    private final Runnable onChange;
    private final Thread thread;

    /** Says whether a directory (root-relative) is excluded; immutable. */
    private final java.util.function.Supplier<IgnoreRules> rules;
    /** The root; immutable. */
    private final Path root;

    private DiskWatcher(WatchService service, Path root, java.util.function.Supplier<IgnoreRules> rules,
                        Runnable onChange) {
        this.service = service;
        this.root = root;
        this.rules = rules;
        this.onChange = onChange;
        this.thread = new Thread(this::loop, "weft-workspace-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching, or returns null (polling only) if the platform refuses. */
    static DiskWatcher start(Path root, java.util.function.Supplier<IgnoreRules> rules, Runnable onChange) {
        try {
            DiskWatcher w = new DiskWatcher(FileSystems.getDefault().newWatchService(), root, rules, onChange);
            w.registerTree(root);
            w.thread.start();
            return w;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "file-system events unavailable; polling only", e);
            return null;
        }
    }

    private void registerTree(Path dir) throws IOException {
        IgnoreRules r = rules.get();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                String rel = root.relativize(d).toString().replace(java.io.File.separatorChar, '/');
                if (!d.equals(root) && r.excluded(rel, true).isPresent()) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                d.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && e.context() instanceof Path name) {
                        Path created = dir.resolve(name);
                        if (Files.isDirectory(created, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            try {
                                registerTree(created);
                            } catch (IOException ex) {
                                LOG.log(Level.FINE, "could not watch " + created, ex);
                            }
                        }
                    }
                }
                key.reset();
                onChange.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the watch service", e);
        }
        thread.interrupt();
    }
}
