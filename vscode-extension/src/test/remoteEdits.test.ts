import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import type { ApplyWorkspaceEditParams, TextEdit } from 'vscode-languageserver-protocol';
import { EditorHost, EditTarget, RemoteEditApplier } from '../remoteEdits';

const URI = 'file:///ws/main.tex';
const OTHER = 'file:///ws/other.tex';

/** A document whose text is a string, edited by protocol edits (single line, enough for these tests). */
class FakeDoc {
  version = 1;
  constructor(readonly uri: string, public text: string) {}
  apply(edits: readonly TextEdit[]): void {
    // Ranges refer to the text before the edit: apply from the end.
    for (const e of [...edits].sort((a, b) => b.range.start.character - a.range.start.character)) {
      this.text = this.text.slice(0, e.range.start.character) + e.newText + this.text.slice(e.range.end.character);
    }
    this.version++;
  }
}

/** The log of what reached "VS Code", in order. */
type Applied = { via: 'editor' | 'workspace'; uri: string; text: string };

function host(docs: FakeDoc[], visible: string[], log: Applied[], opts: { editorDelay?: number; editorThrows?: boolean; readOnly?: boolean } = {}): EditorHost {
  const byUri = new Map(docs.map((d) => [d.uri, d]));
  return {
    visibleTextEditors: (): EditTarget[] => visible.map((u) => {
      const doc = byUri.get(u)!;
      return {
        document: { uri: { toString: () => doc.uri }, get version() { return doc.version; } },
        replaceAll: async (edits) => {
          if (opts.editorThrows) {
            throw new Error('TextEditor#edit not possible on closed editors');
          }
          if (opts.readOnly) {
            return true; // VS Code answers true in a read-only editor and applies nothing
          }
          const seen = doc.version;
          await new Promise((r) => setTimeout(r, opts.editorDelay ?? 0));
          if (doc.version !== seen) {
            return false; // VS Code's version check in the renderer
          }
          doc.apply(edits);
          log.push({ via: 'editor', uri: doc.uri, text: doc.text });
          return true;
        },
      };
    }),
    textDocuments: () => docs.map((d) => ({ uri: { toString: () => d.uri }, version: d.version })),
    applyEdit: async (edit: unknown) => {
      const { uri, edits } = edit as { uri: string; edits: TextEdit[] };
      const doc = byUri.get(uri)!;
      doc.apply(edits);
      log.push({ via: 'workspace', uri, text: doc.text });
      return true;
    },
  };
}

/** A converter whose conversion takes `delay` ms (the library's is asynchronous too). */
function converter(delay = 5) {
  return {
    asWorkspaceEdit: async (edit: ApplyWorkspaceEditParams['edit']) => {
      await new Promise((r) => setTimeout(r, delay));
      const c = edit.documentChanges![0] as { textDocument: { uri: string }; edits: TextEdit[] };
      return { uri: c.textDocument.uri, edits: c.edits } as never;
    },
    asUri: (uri: string) => ({ toString: () => uri }),
  };
}

function insert(uri: string, version: number | null, at: number, text: string): ApplyWorkspaceEditParams {
  return {
    edit: {
      documentChanges: [{
        textDocument: { uri, version: version as number },
        edits: [{ range: { start: { line: 0, character: at }, end: { line: 0, character: at } }, newText: text }],
      }],
    },
  };
}

describe('remote edits (workspace/applyEdit)', () => {
  it('applies a versioned edit of a document on screen straight into its editor', async () => {
    const doc = new FakeDoc(URI, 'hello');
    const log: Applied[] = [];
    const a = new RemoteEditApplier(host([doc], [URI], log), converter());
    assert.deepEqual(await a.handle(insert(URI, 1, 5, '!')), { applied: true });
    assert.deepEqual(log, [{ via: 'editor', uri: URI, text: 'hello!' }]);
    assert.deepEqual(a.stats, { direct: 1, workspace: 0 });
  });

  it('refuses an edit for an older version without touching the document', async () => {
    const doc = new FakeDoc(URI, 'hello');
    doc.version = 3;
    const log: Applied[] = [];
    const a = new RemoteEditApplier(host([doc], [URI], log), converter());
    const r = await a.handle(insert(URI, 2, 0, 'X'));
    assert.equal(r.applied, false);
    assert.match(r.failureReason ?? '', /version 3, edit for 2/);
    assert.equal(doc.text, 'hello');
    assert.deepEqual(log, []);
  });

  it('answers false when the user typed between the version check and VS Code applying the edit', async () => {
    const doc = new FakeDoc(URI, 'hello');
    const log: Applied[] = [];
    const a = new RemoteEditApplier(host([doc], [URI], log, { editorDelay: 10 }), converter());
    const answer = a.handle(insert(URI, 1, 0, 'X'));
    doc.apply([{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } }, newText: 'y' }]); // typing
    assert.equal((await answer).applied, false);
    assert.equal(doc.text, 'helloy');
  });

  it('sends documents not on screen, unversioned edits and file operations the workspace way', async () => {
    const shown = new FakeDoc(URI, 'a');
    const hidden = new FakeDoc(OTHER, 'b');
    const log: Applied[] = [];
    const a = new RemoteEditApplier(host([shown, hidden], [URI], log), converter());
    assert.equal((await a.handle(insert(OTHER, 1, 1, 'B'))).applied, true);
    assert.equal((await a.handle(insert(URI, null, 1, 'A'))).applied, true);
    assert.deepEqual(log.map((l) => l.via), ['workspace', 'workspace']);
    assert.deepEqual([shown.text, hidden.text], ['aA', 'bB']);
    const createFile: ApplyWorkspaceEditParams = { edit: { documentChanges: [{ kind: 'create', uri: 'file:///ws/new.tex' }] } };
    const b = new RemoteEditApplier({ ...host([], [], []), applyEdit: async () => true }, { ...converter(), asWorkspaceEdit: async () => ({}) as never });
    assert.equal((await b.handle(createFile)).applied, true);
    assert.deepEqual(b.stats, { direct: 0, workspace: 1 });
  });

  it('keeps arrival order when a direct edit follows one that is still being converted', async () => {
    const shown = new FakeDoc(URI, '');
    const hidden = new FakeDoc(OTHER, '');
    const log: Applied[] = [];
    const a = new RemoteEditApplier(host([shown, hidden], [URI], log), converter(20));
    const answers = [a.handle(insert(OTHER, 1, 0, '1')), a.handle(insert(URI, 1, 0, '2')), a.handle(insert(OTHER, 2, 1, '3'))];
    assert.deepEqual((await Promise.all(answers)).map((r) => r.applied), [true, true, true]);
    assert.deepEqual(log.map((l) => `${l.uri === URI ? 'main' : 'other'}:${l.text}`), ['other:1', 'main:2', 'other:13']);
    // Once the queue is empty, direct edits go straight through again.
    assert.equal((await a.handle(insert(URI, 2, 1, '4'))).applied, true);
    assert.deepEqual(a.stats, { direct: 2, workspace: 2 });
  });

  it('falls back to a workspace edit when the editor refuses with the document unchanged (read-only, closed)', async () => {
    for (const opts of [{ readOnly: true }, { editorThrows: true }]) {
      const doc = new FakeDoc(URI, 'x');
      const log: Applied[] = [];
      const lines: string[] = [];
      const a = new RemoteEditApplier(host([doc], [URI], log, opts), converter(), (l) => lines.push(l));
      assert.deepEqual(await a.handle(insert(URI, 1, 1, 'y')), { applied: true });
      assert.deepEqual(await a.handle(insert(URI, 2, 2, 'z')), { applied: true });
      assert.deepEqual(log, [{ via: 'workspace', uri: URI, text: 'xy' }, { via: 'workspace', uri: URI, text: 'xyz' }]);
      assert.deepEqual(a.stats, { direct: 2, workspace: 2 });
      assert.equal(lines.length, 1, 'reported once per document');
      assert.match(lines[0], /main\.tex go through workspace edits/);
    }
  });

  it('answers false with the reason when an edit cannot be converted, and keeps serving', async () => {
    const doc = new FakeDoc(URI, 'x');
    const bad = new RemoteEditApplier(host([doc], [], []), { ...converter(), asWorkspaceEdit: async () => { throw new Error('bad range'); } });
    const r = await bad.handle(insert(URI, 1, 0, 'y'));
    assert.equal(r.applied, false);
    assert.match(r.failureReason ?? '', /could not be converted: bad range/);
    assert.equal((await bad.handle(insert(URI, 1, 0, 'y'))).applied, false); // the queue is not stuck
    assert.equal(doc.text, 'x');
  });
});
