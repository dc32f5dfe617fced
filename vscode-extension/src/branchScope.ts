/**
 * Branch scope for *Weft: Share Workspace* (docs/git.md, "Editors on branches"): peers co-edit only with peers on
 * the same git branch, and a checkout moves a peer between branches. A branch-scoped share is of exactly one
 * folder (a git working copy), so only the first workspace folder is shared then.
 */

/** Arguments of `weft.shareWorkspace`. */
export interface ShareWorkspaceArgs {
  relayUrl: string;
  folders: string[];
  branches?: true;
}

/**
 * The arguments sharing `folders` on `relayUrl`; with `branches` (the `weft.shareWorkspaceBranches` setting) the
 * share is branch-scoped and of the first folder only.
 */
export function shareWorkspaceArgs(relayUrl: string, folders: string[], branches: boolean): ShareWorkspaceArgs {
  return branches ? { relayUrl, folders: folders.slice(0, 1), branches: true } : { relayUrl, folders };
}
