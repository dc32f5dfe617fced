package dev.weft.client.workspace.tree;

import java.util.regex.Pattern;

/**
 * Room document names a shared folder uses ({@code docs/protocol.md}, "Workspace documents"). File contents are
 * keyed by a stable file id, never by path, so a rename never moves text between documents.
 */
public final class TreeNames {
    /** The tree log. */
    public static final String TREE = ".weft/tree";
    /** Prefix of a text file's content document: {@code .weft/f/<fileId>}. */
    public static final String TEXT_PREFIX = ".weft/f/";
    /** Prefix of an immutable binary blob: {@code .weft/blob/<sha256 hex>}. */
    public static final String BLOB_PREFIX = ".weft/blob/";
    /** A file id: 16 lowercase hex digits (64 random bits). */
    public static final Pattern FILE_ID = Pattern.compile("[0-9a-f]{16}");
    /** A blob hash: SHA-256, 64 lowercase hex digits. */
    public static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A multi-root share's list of roots: lines {@code treeDocument <TAB> rootName}. */
    public static final String ROOTS = ".weft/roots";

    private TreeNames() {
    }

    /**
     * The tree log of root {@code index} (0-based) of a multi-root share: root 0 keeps {@link #TREE}, so a
     * single-root peer ({@code bin/weft join}) sees the first root.
     */
    public static String rootTree(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("root index must be ≥ 0, got " + index);
        }
        return index == 0 ? TREE : TREE + "." + (index + 1);
    }

    /**
     * The room-wide log of which branch each folder peer is on ({@code docs/git.md}, "Branches"); a room holding
     * it is branch-scoped: every folder's documents live in the namespace of a git branch.
     */
    public static final String BRANCHES = ".weft/branches";
    /** Prefix of every branch namespace: {@code .weft/b/<hex of the branch name in UTF-8>/}. */
    public static final String BRANCH_PREFIX = ".weft/b/";

    /** The namespace prefix of {@code branch} (its short name, e.g. {@code feature/x}). */
    public static String branchNamespace(String branch) {
        if (branch == null || branch.isEmpty()) {
            throw new IllegalArgumentException("a branch needs a name");
        }
        return BRANCH_PREFIX + java.util.HexFormat.of().formatHex(branch.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)) + "/";
    }

    /** The tree log of {@code branch}'s namespace. */
    public static String branchTree(String branch) {
        return branchNamespace(branch) + "tree";
    }

    /** The prefix of {@code branch}'s text documents ({@code <namespace>f/<fileId>}). */
    public static String branchTextPrefix(String branch) {
        return branchNamespace(branch) + "f/";
    }

    public static String textDoc(String fileId) {
        return TEXT_PREFIX + fileId;
    }

    public static String blobDoc(String sha256) {
        return BLOB_PREFIX + sha256;
    }

    /** True for names the workspace reserves (never a user file's path). */
    public static boolean isReserved(String docName) {
        return docName.equals(".weft") || docName.startsWith(".weft/");
    }
}
