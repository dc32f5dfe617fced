import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { blameDecorations, commitSummary, stageSummary } from '../blame';

describe('blame rendering', () => {
  const result = {
    uri: 'file:///w/notes.txt',
    lines: [
      { line: 0, authors: ['Alice', 'Bob'] },
      { line: 1, authors: [] },
      { line: 2, authors: ['?'] },
      { line: 3, authors: ['Bob'] },
    ],
  };

  it('decorates exactly the lines with uncommitted characters, naming their authors in order', () => {
    const d = blameDecorations(result, 4);
    assert.deepEqual(d.map((x) => [x.line, x.label]), [
      [0, '  ✎ Alice, Bob'],
      [2, '  ✎ someone unknown'],
      [3, '  ✎ Bob'],
    ]);
    assert.match(d[0].hover, /typed by Alice, Bob/);
  });

  it('skips lines the buffer does not have yet and tolerates a missing result', () => {
    assert.deepEqual(blameDecorations(result, 3).map((x) => x.line), [0, 2]);
    assert.deepEqual(blameDecorations(undefined, 10), []);
    assert.deepEqual(blameDecorations({ uri: 'x', lines: [] }, 10), []);
  });

  it('summarises stage and commit results', () => {
    assert.equal(stageSummary({ as: 'Alice <a@x>', staged: [{ path: 'n.txt', inserted: 5, deleted: 5 }], problems: [] }),
      'Weft: staged your changes in 1 file as Alice <a@x>');
    assert.equal(stageSummary({ as: 'A', staged: [], problems: ['n.txt line 1: …'] }),
      'Weft: staged your changes in 0 files as A; 1 left unstaged (see the log)');
    assert.equal(commitSummary({ commits: ['0123456789abcdef'], trailers: ['Co-authored-by: Bob <bob@example.com>'], problems: [] }),
      'Weft: committed 0123456 with co-authors Bob <bob@example.com>');
    assert.equal(commitSummary({ commits: ['0123456789'], trailers: [], problems: [] }), 'Weft: committed 0123456 (no co-authors)');
  });
});
