/**
 * Follow mode: keeps the followed participant's file open and their caret in view. The server only reports
 * where participants are; following is purely a view concern, so it lives here.
 */
import * as vscode from 'vscode';
import { RemoteCursorsParams, WeftStatus } from './protocol';
import { normalizeUri } from './remoteCursors';

export class FollowController implements vscode.Disposable {
  /** Client id being followed, or undefined. */
  private target: string | undefined;
  private targetName = '';
  /** URI last revealed for the target, to avoid reopening the same file on every update. */
  private lastUri: string | undefined;
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChange = this.changed.event;

  get following(): string | undefined {
    return this.target;
  }

  async start(clientId: string, name: string, status: WeftStatus): Promise<void> {
    this.target = clientId;
    this.targetName = name;
    this.lastUri = undefined;
    await vscode.commands.executeCommand('setContext', 'weft.following', true);
    this.changed.fire(clientId);
    const p = status.participants.find((x) => String(x.clientId) === clientId);
    if (p?.uri) {
      await this.reveal(p.uri, undefined);
    }
  }

  async stop(): Promise<void> {
    if (this.target === undefined) {
      return;
    }
    this.target = undefined;
    this.lastUri = undefined;
    await vscode.commands.executeCommand('setContext', 'weft.following', false);
    this.changed.fire(undefined);
  }

  /** Follows the target into another file, and stops when it leaves the session. */
  async onStatus(s: WeftStatus): Promise<void> {
    if (this.target === undefined) {
      return;
    }
    const p = s.participants.find((x) => String(x.clientId) === this.target);
    if (p === undefined) {
      const name = this.targetName;
      await this.stop();
      void vscode.window.showInformationMessage(`Weft: ${name} left; stopped following.`);
    } else if (p.uri && normalizeUri(p.uri) !== this.lastUri) {
      await this.reveal(p.uri, undefined);
    }
  }

  /** Reveals the target's caret when the server reports it moved. */
  async onRemoteCursors(p: RemoteCursorsParams): Promise<void> {
    if (this.target === undefined) {
      return;
    }
    const c = p.cursors.find((x) => String(x.clientId) === this.target);
    const active = c?.selections?.[0]?.active;
    if (active) {
      await this.reveal(p.uri, new vscode.Position(Math.max(0, active.line), Math.max(0, active.character)));
    }
  }

  private async reveal(uri: string, caret: vscode.Position | undefined): Promise<void> {
    const key = normalizeUri(uri);
    this.lastUri = key;
    let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
    if (editor === undefined || vscode.window.activeTextEditor !== editor) {
      try {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
        editor = await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
      } catch {
        return; // the file may not exist locally yet; the next status will retry
      }
    }
    if (caret !== undefined) {
      const pos = editor.document.validatePosition(caret);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
