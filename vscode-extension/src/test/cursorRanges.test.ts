import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { clampPosition, computeCursorRanges, DocumentShape } from '../cursorRanges';

/** A document shaped like the given text. */
function shape(text: string): DocumentShape {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineLength: (l) => lines[l].length };
}

const doc = shape('\\documentclass{article}\n\\begin{document}\nHello\n\\end{document}');
const p = (line: number, character: number) => ({ line, character });

describe('decoration ranges', () => {
  it('draws a caret only for an empty selection', () => {
    const r = computeCursorRanges([{ anchor: p(2, 3), active: p(2, 3) }], doc);
    assert.deepEqual(r.selections, []);
    assert.deepEqual(r.carets, [{ start: p(2, 3), end: p(2, 3) }]);
  });

  it('orders a backwards selection and puts the caret at the active end', () => {
    const r = computeCursorRanges([{ anchor: p(2, 5), active: p(1, 2) }], doc);
    assert.deepEqual(r.selections, [{ start: p(1, 2), end: p(2, 5) }]);
    assert.deepEqual(r.carets, [{ start: p(1, 2), end: p(1, 2) }]);
  });

  it('clamps stale positions past the end of a line or the document', () => {
    assert.deepEqual(clampPosition(p(2, 99), doc), p(2, 5));
    assert.deepEqual(clampPosition(p(40, 3), doc), p(3, 3));
    assert.deepEqual(clampPosition(p(-1, -4), doc), p(0, 0));
    const r = computeCursorRanges([{ anchor: p(2, 0), active: p(99, 99) }], doc);
    assert.deepEqual(r.selections, [{ start: p(2, 0), end: p(3, 14) }]);
    assert.deepEqual(r.carets, [{ start: p(3, 14), end: p(3, 14) }]);
  });

  it('drops a selection that collapses after clamping but keeps its caret', () => {
    const r = computeCursorRanges([{ anchor: p(2, 10), active: p(2, 20) }], doc);
    assert.deepEqual(r.selections, []);
    assert.deepEqual(r.carets, [{ start: p(2, 5), end: p(2, 5) }]);
  });

  it('handles multiple selections without duplicate carets and ignores malformed entries', () => {
    const r = computeCursorRanges(
      [
        { anchor: p(0, 0), active: p(0, 4) },
        { anchor: p(0, 4), active: p(0, 4) },
        null as any,
        { anchor: p(1, 1) } as any,
        { anchor: p(1, 0), active: p(1, 6) },
      ],
      doc,
    );
    assert.deepEqual(r.selections, [{ start: p(0, 0), end: p(0, 4) }, { start: p(1, 0), end: p(1, 6) }]);
    assert.deepEqual(r.carets, [{ start: p(0, 4), end: p(0, 4) }, { start: p(1, 6), end: p(1, 6) }]);
  });

  it('works on an empty document', () => {
    const r = computeCursorRanges([{ anchor: p(3, 3), active: p(5, 1) }], shape(''));
    assert.deepEqual(r, { selections: [], carets: [{ start: p(0, 0), end: p(0, 0) }] });
  });
});
