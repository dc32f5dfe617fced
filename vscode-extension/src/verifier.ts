/**
 * Verified convergence: every few seconds, for each shared buffer that has been idle, sends `weft/verify`
 * with the SHA-256 of its text; warns when the server had to repair it.
 */
import { createHash } from 'crypto';
import * as vscode from 'vscode';
import { WeftSession } from './session';

/** A buffer edited more recently than this is not verified yet (its edits may still be in flight). */
export const IDLE_MS = 1500;

export class Verifier implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastChange = new Map<string, number>();
  /** URIs the server refused to verify (not shared); logged once and skipped until the session changes. */
  private readonly refused = new Set<string>();
  private running = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly session: WeftSession) {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => this.lastChange.set(e.document.uri.toString(), Date.now()));
  }

  /** Starts or stops the periodic check to match the session state. */
  setActive(active: boolean): void {
    if (active && this.timer === undefined) {
      const seconds = Math.max(1, vscode.workspace.getConfiguration('weft').get<number>('verifyIntervalSeconds') ?? 5);
      this.timer = setInterval(() => void this.verifyAll(), seconds * 1000);
    } else if (!active && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.refused.clear();
    }
  }

  /** Verifies every idle shared document once. */
  async verifyAll(): Promise<void> {
    if (this.running || !this.session.inSession || !this.session.running) {
      return;
    }
    this.running = true;
    try {
      for (const doc of vscode.workspace.textDocuments) {
        const key = doc.uri.toString();
        if (doc.uri.scheme !== 'file' || this.refused.has(key) || Date.now() - (this.lastChange.get(key) ?? 0) < IDLE_MS) {
          continue;
        }
        await this.verify(doc);
      }
    } finally {
      this.running = false;
    }
  }

  private async verify(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const sha256 = createHash('sha256').update(doc.getText(), 'utf8').digest('hex');
    try {
      const r = await this.session.verify({ uri: key, version: doc.version, sha256 });
      if (r && r.repaired) {
        void vscode.window.showWarningMessage(
          `Weft: ${vscode.workspace.asRelativePath(doc.uri)} differed from the shared copy and was repaired (repairs so far: ${r.repairs}).`,
        );
      }
    } catch (e) {
      this.refused.add(key);
      this.session.output.appendLine(`weft/verify ${key}: ${(e as Error).message} (not verified again this session)`);
    }
  }

  dispose(): void {
    this.setActive(false);
    this.subscription.dispose();
  }
}
