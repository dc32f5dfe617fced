/**
 * The blame view: at the end of each line of the active shared file, who typed its uncommitted characters, with a
 * hover (`weft.blame`, `docs/vscode.md`). Refreshed when the editor changes and 500 ms after typing stops; only in
 * a shared workspace (elsewhere the server has no authorship and the view stays empty).
 */
import * as vscode from 'vscode';
import { BlameResult, blameDecorations } from './blame';
import { WeftSession } from './session';

export class BlameView implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic', margin: '0 0 0 2em' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** True while the view is on (in a session, and not turned off by the user). */
  private enabled = true;
  private active = false;

  constructor(private readonly session: WeftSession) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) {
          this.schedule(500);
        }
      }),
      vscode.workspace.onDidSaveTextDocument(() => this.schedule(0)),
    );
  }

  /** In a session or not (from `weft/status`). */
  setActive(active: boolean): void {
    if (active !== this.active) {
      this.active = active;
      this.schedule(0);
    }
  }

  /** Turns the view on or off (command "Weft: Toggle Blame"); returns the new state. */
  toggle(): boolean {
    this.enabled = !this.enabled;
    this.schedule(0);
    return this.enabled;
  }

  /** Refreshes now (after stage or commit, which change what is uncommitted). */
  refresh(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.render(), delayMs);
  }

  private async render(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
      return;
    }
    if (!this.enabled || !this.active || editor.document.uri.scheme !== 'file') {
      editor.setDecorations(this.type, []);
      return;
    }
    let result: BlameResult | undefined;
    try {
      result = await this.session.execute<BlameResult>('weft.blame', { uri: editor.document.uri.toString() });
    } catch {
      result = undefined; // not a shared workspace file: nothing to show
    }
    if (vscode.window.activeTextEditor !== editor) {
      return;
    }
    const doc = editor.document;
    editor.setDecorations(
      this.type,
      blameDecorations(result, doc.lineCount).map((d) => {
        const end = doc.lineAt(d.line).range.end;
        return {
          range: new vscode.Range(end, end),
          hoverMessage: new vscode.MarkdownString(d.hover),
          renderOptions: { after: { contentText: d.label } },
        };
      }),
    );
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.type.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}
