package dev.weft.client.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The git repository around a shared folder, through JGit: HEAD's and the index's text of a file, writing one
 * index entry, the branch, and committing the index. Paths are relative to the repository's work tree, with
 * {@code /}. Not thread-safe; close it.
 */
public final class GitRepo implements AutoCloseable {
    private final Repository repo;
    private final Path workTree;

    private GitRepo(Repository repo) {
        this.repo = repo;
        this.workTree = repo.getWorkTree().toPath().toAbsolutePath().normalize();
    }

    /**
     * The repository whose work tree holds {@code dir}.
     *
     * @throws NotARepositoryException if there is none (or it is bare)
     */
    public static GitRepo open(Path dir) throws IOException {
        FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
        if (b.getGitDir() == null) {
            throw new NotARepositoryException(dir + " is not inside a git repository");
        }
        Repository r = b.setMustExist(true).build();
        if (r.isBare()) {
            r.close();
            throw new NotARepositoryException(dir + " is in a bare repository (no work tree)");
        }
        return new GitRepo(r);
    }

    /** The work tree's root. */
    public Path workTree() {
        return workTree;
    }

    /** {@code file} (absolute) relative to the work tree, with {@code /}. */
    public String relative(Path file) {
        return workTree.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    /** The current branch's short name, or null when HEAD is detached or the repository has no HEAD. */
    public String branch() throws IOException {
        Ref head = repo.exactRef(Constants.HEAD);
        if (head == null || !head.isSymbolic()) {
            return null;
        }
        return Repository.shortenRefName(head.getTarget().getName());
    }

    /** HEAD's text of {@code path} (UTF-8), or null if HEAD has no such file (or there is no commit yet). */
    public String headText(String path) throws IOException {
        byte[] bytes = headBytes(path);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** HEAD's bytes of the file {@code path}, or null if HEAD has no such file (or there is no commit yet). */
    public byte[] headBytes(String path) throws IOException {
        ObjectId tree = repo.resolve(Constants.HEAD + "^{tree}");
        if (tree == null) {
            return null;
        }
        try (TreeWalk w = TreeWalk.forPath(repo, path, tree)) {
            if (w == null || (w.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                return null;
            }
            return repo.open(w.getObjectId(0), Constants.OBJ_BLOB).getBytes();
        }
    }

    /** Forgets what JGit cached of the refs, so the next reads see a HEAD another program just moved. */
    public void refreshRefs() {
        repo.getRefDatabase().refresh();
    }

    /** HEAD's commit id (40 hex digits), or null before the first commit. */
    public String headCommit() throws IOException {
        ObjectId id = repo.resolve(Constants.HEAD);
        return id == null ? null : id.getName();
    }

    /** This work tree's git directory (for a linked worktree, its own: HEAD and index are there). */
    public Path gitDir() {
        return repo.getDirectory().toPath();
    }

    /** The directory holding the refs shared by every worktree of the repository. */
    public Path commonDir() {
        return repo.getCommonDirectory().toPath();
    }

    /** The index file. */
    public Path indexFile() {
        return repo.getIndexFile().toPath();
    }

    /** The index's text of {@code path}, or null if the index has no such entry. */
    public String indexText(String path) throws IOException {
        DirCacheEntry e = repo.readDirCache().getEntry(path);
        return e == null ? null : read(e.getObjectId());
    }

    private String read(ObjectId blob) throws IOException {
        return new String(repo.open(blob, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
    }

    /** Puts {@code text} (UTF-8) into the index for {@code path}, keeping the entry's mode (new: regular file). */
    public void stage(String path, String text) throws IOException {
        DirCache dc = repo.lockDirCache();
        try {
            DirCacheEntry old = dc.getEntry(path);
            FileMode mode = old == null ? FileMode.REGULAR_FILE : old.getFileMode();
            ObjectId blob;
            try (ObjectInserter ins = repo.newObjectInserter()) {
                blob = ins.insert(Constants.OBJ_BLOB, text.getBytes(StandardCharsets.UTF_8));
                ins.flush();
            }
            DirCacheEditor ed = dc.editor();
            ed.add(new DirCacheEditor.PathEdit(path) {
                @Override
                public void apply(DirCacheEntry ent) {
                    ent.setFileMode(mode);
                    ent.setObjectId(blob);
                    ent.setLength(text.getBytes(StandardCharsets.UTF_8).length);
                }
            });
            ed.finish();
            dc.write();
            dc.commit();
        } finally {
            dc.unlock();
        }
    }

    /** Paths whose index entry differs from HEAD's (added, changed or removed), in tree order. */
    public List<String> stagedPaths() throws IOException {
        List<String> out = new ArrayList<>();
        ObjectId tree = repo.resolve(Constants.HEAD + "^{tree}");
        try (TreeWalk w = new TreeWalk(repo)) {
            w.setRecursive(true);
            if (tree == null) {
                w.addTree(new EmptyTreeIterator());
            } else {
                CanonicalTreeParser p = new CanonicalTreeParser();
                try (var reader = repo.newObjectReader()) {
                    p.reset(reader, tree);
                }
                w.addTree(p);
            }
            w.addTree(new DirCacheIterator(repo.readDirCache()));
            while (w.next()) {
                if (!w.idEqual(0, 1) || w.getRawMode(0) != w.getRawMode(1)) {
                    out.add(w.getPathString());
                }
            }
        }
        return out;
    }

    /** The index's text of every staged path restricted to {@code path} (for tests and tools). */
    boolean inIndex(String path) throws IOException {
        try (TreeWalk w = new TreeWalk(repo)) {
            w.addTree(new DirCacheIterator(repo.readDirCache()));
            w.setRecursive(true);
            w.setFilter(PathFilter.create(path));
            return w.next();
        }
    }

    /**
     * Commits the index with {@code message} (author and committer from the repository's configuration, as
     * {@code git commit} does).
     *
     * @return the new commit's id
     */
    public String commit(String message) throws IOException {
        try (Git git = new Git(repo)) {
            RevCommit c = git.commit().setMessage(message).setAllowEmpty(false).call();
            return c.getName();
        } catch (GitAPIException e) {
            throw new IOException("git commit failed: " + e.getMessage(), e);
        }
    }

    /** The message of HEAD's commit (for tests). */
    String headMessage() throws IOException {
        try (RevWalk w = new RevWalk(repo)) {
            return w.parseCommit(repo.resolve(Constants.HEAD)).getFullMessage();
        }
    }

    @Override
    public void close() {
        repo.close();
    }

    /** No git repository with a work tree at the given place. */
    public static final class NotARepositoryException extends IOException {
        public NotARepositoryException(String message) {
            super(message);
        }
    }
}
