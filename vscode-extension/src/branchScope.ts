/**
 * Branch scope for *Weft: Share Workspace* (docs/git.md, "Editors on branches"): peers co-edit only with peers on
 * the same git branch, and a checkout moves a peer between branches. A branch-scoped share is of exactly one
 * folder (a git working copy), so only the first workspace folder is shared then.
 */

/** Arguments of `weft.shareWorkspace`. */
export interface ShareWorkspaceArgs {
  relayUrl?: string;
  folders: string[];
  branches?: true;
  /** `lan`: no relay, the room lives on the local network (docs/workspace.md, "LAN folders"). */
  transport?: 'lan';
}

/**
 * The arguments sharing `folders` on `relayUrl`, or on the LAN with no relay when `lan` (the `weft.transport`
 * setting is `lan`); with `branches` (the `weft.shareWorkspaceBranches` setting) the share is branch-scoped and of
 * the first folder only.
 */
export function shareWorkspaceArgs(relayUrl: string, folders: string[], branches: boolean, lan = false): ShareWorkspaceArgs {
  const where: { relayUrl: string } | { transport: 'lan' } = lan ? { transport: 'lan' } : { relayUrl };
  return branches ? { ...where, folders: folders.slice(0, 1), branches: true } : { ...where, folders };
}
