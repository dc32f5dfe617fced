/**
 * Applying the server's `workspace/applyEdit` requests (docs/vscode.md, "Where the latency goes").
 *
 * The server sends every remote change as one versioned edit of one document, one at a time per document, and waits
 * for the answer before the next (docs/lsp.md, "DocumentBinding"). vscode-languageclient answers with
 * `workspace.applyEdit`, which for the active editor resolves a model reference and asks VS Code's editor worker for
 * "more minimal edits" before applying: a round trip that is most of the time a remote keystroke takes to appear.
 * When the edit is a single versioned `TextDocumentEdit` of a document shown in a visible editor, this handler applies
 * it with `TextEditor.edit` instead: one call that VS Code applies only if the document is still at the version the
 * extension host saw (otherwise it answers false, as a stale versioned edit is answered). Everything else — file
 * operations, several documents, unversioned edits, documents not on screen — goes the library's way: converted in
 * arrival order, refused when the open document's version differs, then `workspace.applyEdit`.
 */
import type * as vscode from 'vscode';
import { ApplyWorkspaceEditParams, ApplyWorkspaceEditResult, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';

/** The part of a `vscode.TextEditor` the handler uses. */
export interface EditTarget {
  readonly document: { readonly uri: { toString(): string }; readonly version: number };
  /** `TextEditor.edit` with the edits given as protocol ranges (converted by the host). */
  replaceAll(edits: readonly TextEdit[]): Thenable<boolean>;
}

/** What the handler needs of VS Code (tests pass a fake). */
export interface EditorHost {
  /** The editors on screen. */
  visibleTextEditors(): readonly EditTarget[];
  /** The open documents (any tab or none). */
  textDocuments(): readonly { readonly uri: { toString(): string }; readonly version: number }[];
  /** `workspace.applyEdit`. */
  applyEdit(edit: vscode.WorkspaceEdit): Thenable<boolean>;
}

/** How a protocol edit becomes a VS Code one (the client's `protocol2CodeConverter`). */
export interface EditConverter {
  asWorkspaceEdit(edit: ApplyWorkspaceEditParams['edit']): Promise<vscode.WorkspaceEdit>;
  asUri(uri: string): { toString(): string };
}

/** Counts of which way edits went (read by the tests). */
export interface RemoteEditStats {
  /** Applied (or refused) through `TextEditor.edit`. */
  direct: number;
  /** Applied (or refused) through `workspace.applyEdit`. */
  workspace: number;
}

/**
 * Answers `workspace/applyEdit` requests. Order is kept: a request that must be converted first holds every later
 * one behind it, so two requests are never applied out of their arrival order.
 */
export class RemoteEditApplier {
  /** The tail of the requests that went the library's way (and of any direct one queued behind them). */
  private tail: Promise<unknown> = Promise.resolve();
  /** Requests taken but not yet handed to VS Code through the slow path; while > 0, direct edits queue too. */
  private queued = 0;
  readonly stats: RemoteEditStats = { direct: 0, workspace: 0 };

  /**
   * @param log where a direct edit that had to go the workspace way is reported (once per document), for the
   *     output channel
   */
  constructor(private readonly host: EditorHost, private readonly converter: EditConverter, private readonly log: (line: string) => void = () => undefined) {}

  /** Documents already reported through {@link log}. */
  private readonly reported = new Set<string>();

  /** Answers one request; never rejects (a failure is answered `applied: false` with the reason). */
  handle(params: ApplyWorkspaceEditParams): Promise<ApplyWorkspaceEditResult> {
    const direct = this.directEdit(params);
    if (direct !== undefined && this.queued === 0) {
      return this.applyDirect(direct, params);
    }
    this.queued++;
    const result = this.tail.then(() => (direct !== undefined ? this.applyDirect(direct, params) : this.applyThroughWorkspace(params)));
    this.tail = result.catch(() => undefined).finally(() => this.queued--);
    return result;
  }

  /** The single versioned edit of a visible editor's document in `params`, or undefined if it is anything else. */
  private directEdit(params: ApplyWorkspaceEditParams): { editor: EditTarget; version: number; edits: TextEdit[] } | undefined {
    const changes = params.edit.documentChanges;
    if (params.edit.changes !== undefined || changes === undefined || changes.length !== 1 || !TextDocumentEdit.is(changes[0])) {
      return undefined;
    }
    const change = changes[0];
    const version = change.textDocument.version;
    if (typeof version !== 'number' || version < 0 || change.edits.some((e) => !TextEdit.is(e) || 'annotationId' in e)) {
      return undefined;
    }
    const uri = this.converter.asUri(change.textDocument.uri).toString();
    const editor = this.host.visibleTextEditors().find((e) => e.document.uri.toString() === uri);
    return editor === undefined ? undefined : { editor, version, edits: change.edits as TextEdit[] };
  }

  private async applyDirect(d: { editor: EditTarget; version: number; edits: TextEdit[] }, params: ApplyWorkspaceEditParams): Promise<ApplyWorkspaceEditResult> {
    this.stats.direct++;
    if (d.editor.document.version !== d.version) {
      return staleVersion(d.editor.document.version, d.version);
    }
    let applied: boolean;
    try {
      // All ranges refer to the document before the edit, as in LSP; VS Code refuses the edit (false) if the
      // document changed since the extension host saw version d.version.
      applied = await d.editor.replaceAll(d.edits);
    } catch (e) {
      // The editor was closed meanwhile: nothing was applied.
      applied = false;
    }
    const changed = d.editor.document.version !== d.version;
    if (applied && changed) {
      return { applied: true };
    }
    if (!applied && changed) {
      return { applied: false, failureReason: 'the document changed before the edit' };
    }
    // The document is unchanged: the editor refused the edit or, being read-only (File: Set Active Editor
    // Read-only in Session), answered true without applying it (VS Code reports the model's change to the
    // extension host before the answer, so an applied edit has moved the version by now). A workspace edit still
    // applies there; it is version-checked again, so nothing is applied twice.
    const uri = d.editor.document.uri.toString();
    if (!this.reported.has(uri)) {
      this.reported.add(uri);
      this.log(`Remote edits to ${uri} go through workspace edits: its editor did not take one (read-only or closed).`);
    }
    return this.applyThroughWorkspace(params);
  }

  private async applyThroughWorkspace(params: ApplyWorkspaceEditParams): Promise<ApplyWorkspaceEditResult> {
    this.stats.workspace++;
    let converted: vscode.WorkspaceEdit;
    try {
      converted = await this.converter.asWorkspaceEdit(params.edit);
    } catch (e) {
      return { applied: false, failureReason: `the edit could not be converted: ${e instanceof Error ? e.message : String(e)}` };
    }
    const open = new Map(this.host.textDocuments().map((d) => [d.uri.toString(), d]));
    for (const change of params.edit.documentChanges ?? []) {
      if (TextDocumentEdit.is(change) && typeof change.textDocument.version === 'number' && change.textDocument.version >= 0) {
        const doc = open.get(this.converter.asUri(change.textDocument.uri).toString());
        if (doc !== undefined && doc.version !== change.textDocument.version) {
          return staleVersion(doc.version, change.textDocument.version);
        }
      }
    }
    try {
      return { applied: await this.host.applyEdit(converted) };
    } catch (e) {
      return { applied: false, failureReason: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** The answer to an edit made for another version of the document than the editor's. */
function staleVersion(documentVersion: number, editVersion: number): ApplyWorkspaceEditResult {
  return { applied: false, failureReason: `document version ${documentVersion}, edit for ${editVersion}` };
}
