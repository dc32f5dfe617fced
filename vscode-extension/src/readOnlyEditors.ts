/**
 * Read-only membership in the editor: the documents a read-only join opened are made read-only in VS Code (File:
 * Set Active Editor Read-only in Session), so typing is refused by the editor itself with its "Cannot edit in
 * read-only editor" message — what a Live Share guest with read-only access sees — instead of appearing and then
 * being reverted by the server. The server still reverts any edit that gets through (a document opened another
 * way). Leaving makes the documents writeable again.
 */
import * as vscode from 'vscode';

const SET_READONLY = 'workbench.action.files.setActiveEditorReadonlyInSession';
const RESET_READONLY = 'workbench.action.files.resetActiveEditorReadonlyInSession';

export class ReadOnlyEditors implements vscode.Disposable {
  /** URIs (normalised strings) of the documents marked, or to be marked, read-only; emptied as they are reset. */
  private readonly marked = new Set<string>();
  /** True while the membership is read-only; false after {@link release}. */
  private protecting = false;
  /** VS Code's commands act on the active editor only: documents are (un)marked when they become active. */
  private readonly subscription = vscode.window.onDidChangeActiveTextEditor((e) => void this.apply(e));

  constructor(private readonly output: vscode.OutputChannel) {}

  /** Makes `uris` read-only: the active one now, the others when they become active. */
  async protect(uris: readonly string[]): Promise<void> {
    this.protecting = true;
    for (const u of uris) {
      this.marked.add(vscode.Uri.parse(u).toString());
    }
    await this.apply(vscode.window.activeTextEditor);
  }

  /** Ends read-only mode (left the session): the active document is writeable now, the others when next active. */
  async release(): Promise<void> {
    if (!this.protecting) {
      return;
    }
    this.protecting = false;
    await this.apply(vscode.window.activeTextEditor);
  }

  private async apply(editor: vscode.TextEditor | undefined): Promise<void> {
    const uri = editor?.document.uri.toString();
    if (uri === undefined || !this.marked.has(uri)) {
      return;
    }
    try {
      if (this.protecting) {
        await vscode.commands.executeCommand(SET_READONLY);
      } else {
        await vscode.commands.executeCommand(RESET_READONLY);
        this.marked.delete(uri);
      }
    } catch (e) {
      // Older VS Code without the command: the server's revert still keeps the shared text intact.
      this.output.appendLine(`could not change read-only mode of ${uri}: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
