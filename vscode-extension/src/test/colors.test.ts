import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { assignColor, fnv1a, isHexColor, PALETTE, participantColor, withAlpha } from '../colors';

describe('colour assignment', () => {
  it('uses a valid configured colour, lower-cased', () => {
    assert.equal(assignColor('#A1B2C3', 'alice'), '#a1b2c3');
  });

  it('derives a stable palette colour from the name when none or an invalid one is configured', () => {
    const a = assignColor('', 'Alice');
    assert.ok(PALETTE.includes(a));
    assert.equal(assignColor(undefined, 'Alice'), a);
    assert.equal(assignColor('red', 'Alice'), a);
    assert.equal(assignColor('#12345', 'Alice'), a);
  });

  it('spreads different names over the palette', () => {
    const names = Array.from({ length: 48 }, (_, i) => `user${i}`);
    const used = new Set(names.map((n) => assignColor('', n)));
    assert.ok(used.size >= PALETTE.length / 2, `only ${used.size} colours for 48 names`);
  });

  it('has a fixed hash (so colours do not change between releases)', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
  });

  it('guards participant colours from the wire', () => {
    assert.equal(participantColor('#FF0000', 1), '#ff0000');
    assert.ok(PALETTE.includes(participantColor('red; background: url(x)', 7)));
    assert.equal(participantColor(undefined, 7), participantColor(null, '7'));
  });

  it('adds alpha as #rrggbbaa, clamped', () => {
    assert.equal(withAlpha('#102030', 0.25), '#10203040');
    assert.equal(withAlpha('#102030', 2), '#102030ff');
    assert.equal(withAlpha('#102030', -1), '#10203000');
    assert.ok(isHexColor('#abcdef') && !isHexColor('#abcdeg') && !isHexColor(5));
  });
});

describe('colour assignment: the vectors shared with the language server (docs/test-vectors/colors.json)', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const vectors = JSON.parse(require('fs').readFileSync(require('path').resolve(__dirname, '../../../docs/test-vectors/colors.json'), 'utf8')) as {
    palette: string[];
    fnv1a: { input: string; hash: number }[];
    names: { name: string; color: string }[];
  };

  it('uses the shared palette and hash', () => {
    assert.deepEqual([...PALETTE], vectors.palette);
    for (const v of vectors.fnv1a) {
      assert.equal(fnv1a(v.input), v.hash, JSON.stringify(v.input));
    }
  });

  it('gives every vector name its shared colour', () => {
    assert.ok(vectors.names.length > 10);
    for (const v of vectors.names) {
      assert.equal(assignColor(undefined, v.name), v.color, JSON.stringify(v.name));
    }
  });
});
