/**
 * The default display name: git's `user.name`, then the OS login name. No `vscode` import.
 */
import { execFile } from 'child_process';
import * as os from 'os';

/** Resolves the configured name, else `git config user.name` (in `cwd`), else the login name; never rejects. */
export async function resolveUserName(configured: string | undefined, cwd?: string): Promise<string> {
  const c = (configured ?? '').trim();
  if (c !== '') {
    return c;
  }
  const git = await new Promise<string>((resolve) => {
    execFile('git', ['config', 'user.name'], { cwd, timeout: 5000 }, (err, stdout) => resolve(err ? '' : String(stdout).trim()));
  });
  if (git !== '') {
    return git;
  }
  try {
    return os.userInfo().username || 'anonymous';
  } catch {
    return 'anonymous';
  }
}
