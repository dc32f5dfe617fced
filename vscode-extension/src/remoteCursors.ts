/**
 * Draws remote participants' carets and selections (from `weft/remoteCursors`) as decorations in each
 * participant's colour, with the name next to the caret. The server sends the full list per document, so
 * this class only keeps the latest list per URI and redraws.
 */
import * as vscode from 'vscode';
import { participantColor, withAlpha } from './colors';
import { caretBarStyle, nameLabelStyle } from './cursorStyle';
import { computeCursorRanges, DocumentShape, PlainRange } from './cursorRanges';
import { RemoteCursor, RemoteCursorsParams } from './protocol';

/** The two decoration types of one participant (immutable once created; disposed when they leave). */
interface ParticipantDecorations {
  selection: vscode.TextEditorDecorationType;
  caret: vscode.TextEditorDecorationType;
}

export class RemoteCursorRenderer implements vscode.Disposable {
  /** Latest cursors per document URI string, exactly as the server last sent them. */
  private readonly byUri = new Map<string, RemoteCursor[]>();
  /** Decoration types per participant key (`clientId|color|name`). */
  private readonly types = new Map<string, ParticipantDecorations>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.renderAll()),
      vscode.workspace.onDidCloseTextDocument((d) => this.byUri.delete(d.uri.toString())),
    );
  }

  /** Replaces the cursors of one document and redraws its editors. */
  update(p: RemoteCursorsParams): void {
    const key = normalizeUri(p.uri);
    if (p.cursors.length === 0) {
      this.byUri.delete(key);
    } else {
      this.byUri.set(key, p.cursors);
    }
    this.pruneTypes();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === key) {
        this.render(editor);
      }
    }
  }

  /** Removes everything (leaving the session or the server stopping). */
  clear(): void {
    this.byUri.clear();
    this.pruneTypes();
  }

  /** Drops cursors of participants no longer in the session (guards against a missed clearing update). */
  retainParticipants(clientIds: Set<string>): void {
    for (const [uri, cursors] of this.byUri) {
      const kept = cursors.filter((c) => clientIds.has(String(c.clientId)));
      if (kept.length !== cursors.length) {
        this.update({ uri, cursors: kept });
      }
    }
  }

  /** The caret of a participant in a document, if the server reported one. */
  caretOf(clientId: string, uri: string): vscode.Position | undefined {
    const c = this.byUri.get(normalizeUri(uri))?.find((x) => String(x.clientId) === clientId);
    const active = c?.selections?.[0]?.active;
    return active ? new vscode.Position(Math.max(0, active.line), Math.max(0, active.character)) : undefined;
  }

  private renderAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      this.render(editor);
    }
  }

  private render(editor: vscode.TextEditor): void {
    const cursors = this.byUri.get(editor.document.uri.toString()) ?? [];
    const shape: DocumentShape = {
      lineCount: editor.document.lineCount,
      lineLength: (line) => editor.document.lineAt(line).text.length,
    };
    const drawn = new Set<string>();
    for (const c of cursors) {
      const key = typeKey(c);
      const types = this.typesFor(key, c);
      const ranges = computeCursorRanges(c.selections ?? [], shape);
      editor.setDecorations(types.selection, ranges.selections.map(toRange));
      editor.setDecorations(types.caret, ranges.carets.map(toRange));
      drawn.add(key);
    }
    for (const [key, types] of this.types) {
      if (!drawn.has(key)) {
        editor.setDecorations(types.selection, []);
        editor.setDecorations(types.caret, []);
      }
    }
  }

  private typesFor(key: string, c: RemoteCursor): ParticipantDecorations {
    let t = this.types.get(key);
    if (t === undefined) {
      const color = participantColor(c.color, c.clientId);
      t = {
        selection: vscode.window.createTextEditorDecorationType({
          backgroundColor: withAlpha(color, 0.3),
          borderRadius: '2px',
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
        caret: vscode.window.createTextEditorDecorationType({
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
          overviewRulerColor: color,
          overviewRulerLane: vscode.OverviewRulerLane.Center,
          // A 2px bar in the participant's colour and the name above the caret, neither moving the text
          // (cursorStyle.ts).
          before: caretBarStyle(color),
          after: nameLabelStyle(displayName(c.name), color),
        }),
      };
      this.types.set(key, t);
    }
    return t;
  }

  /** Disposes decoration types no document uses any more (disposing also removes them from editors). */
  private pruneTypes(): void {
    const used = new Set<string>();
    for (const cursors of this.byUri.values()) {
      for (const c of cursors) {
        used.add(typeKey(c));
      }
    }
    for (const [key, t] of this.types) {
      if (!used.has(key)) {
        t.selection.dispose();
        t.caret.dispose();
        this.types.delete(key);
      }
    }
  }

  dispose(): void {
    this.clear();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

function typeKey(c: RemoteCursor): string {
  return `${c.clientId}|${c.color}|${c.name}`;
}

function displayName(name: unknown): string {
  const s = typeof name === 'string' && name.trim() !== '' ? name.trim() : 'anonymous';
  return s.length > 24 ? s.slice(0, 23) + '…' : s;
}

function toRange(r: PlainRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** The server may spell a URI differently (encoding); compare in VS Code's canonical form. */
export function normalizeUri(uri: string): string {
  try {
    return vscode.Uri.parse(uri).toString();
  } catch {
    return uri;
  }
}
