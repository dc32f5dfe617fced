/** Sends the local selections to the server (`weft/selection`), debounced per document. */
import * as vscode from 'vscode';
import { WeftSession } from './session';

export const SELECTION_DEBOUNCE_MS = 50;

export class SelectionSync implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly session: WeftSession) {
    this.subscription = vscode.window.onDidChangeTextEditorSelection((e) => this.schedule(e.textEditor));
  }

  /** Sends the active editor's selection now (e.g. right after joining, before the user moves). */
  sendNow(editor: vscode.TextEditor | undefined): void {
    if (editor !== undefined) {
      this.send(editor);
    }
  }

  private schedule(editor: vscode.TextEditor): void {
    if (!this.session.inSession || editor.document.uri.scheme !== 'file') {
      return;
    }
    const key = editor.document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.send(editor);
    }, SELECTION_DEBOUNCE_MS));
  }

  private send(editor: vscode.TextEditor): void {
    if (!this.session.inSession || editor.document.isClosed) {
      return;
    }
    this.session.sendSelection({
      uri: editor.document.uri.toString(),
      version: editor.document.version,
      selections: editor.selections.map((s) => ({
        anchor: { line: s.anchor.line, character: s.anchor.character },
        active: { line: s.active.line, character: s.active.character },
      })),
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }
}
