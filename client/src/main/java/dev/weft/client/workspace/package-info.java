/**
 * A shared folder: which files are shared ({@link dev.weft.client.workspace.IgnoreRules},
 * {@link dev.weft.client.paths.PathValidator}), the replicated workspace tree
 * ({@link dev.weft.client.workspace.tree}), the three-way text merge that keeps disk and replica equal
 * ({@link dev.weft.client.workspace.TextMerge}) and the engine that mirrors a directory to a room
 * ({@link dev.weft.client.workspace.Workspace}). Design: {@code docs/workspace.md}.
 */
package dev.weft.client.workspace;
