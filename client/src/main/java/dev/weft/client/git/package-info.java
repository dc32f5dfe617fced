/**
 * Git-aware collaboration on a shared folder ({@code docs/git.md}): who each participant is (from git's
 * {@code user.name}/{@code user.email}), who typed or deleted each uncommitted character ({@link Attribution}),
 * staging exactly one participant's changes and committing with {@code Co-authored-by} trailers ({@link GitRepo},
 * JGit). Depends on {@code dev.weft.client.workspace} (agents, deletions, diffs); nothing there depends on this.
 */
package dev.weft.client.git;
