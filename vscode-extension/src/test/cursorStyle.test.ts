import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { caretBarStyle, injectedCss, nameLabelStyle } from '../cursorStyle';

describe('remote caret styles', () => {
  it('draws the name label out of the text flow, so the rest of the line does not move', () => {
    const css = injectedCss(nameLabelStyle('Alice', '#e6194b').textDecoration);
    assert.equal(css.get('position'), 'absolute');
    assert.equal(css.get('pointer-events'), 'none');
    // No horizontal box outside the absolutely positioned label: nothing that would reserve inline space.
    assert.equal(css.has('margin'), false);
    assert.equal(css.has('margin-left'), false);
    assert.equal(css.has('width'), false);
    assert.match(css.get('transform') ?? '', /^translateY\(-\d+%\)$/);
  });

  it('keeps the name and colour', () => {
    const s = nameLabelStyle('Bob', '#4363d8');
    assert.equal(s.contentText, 'Bob');
    assert.equal(s.backgroundColor, '#4363d8');
  });

  it('draws the caret bar with zero-width content and margins that cancel its border', () => {
    const s = caretBarStyle('#4363d8');
    assert.equal(s.contentText, '\u200b');
    const css = injectedCss(s.textDecoration);
    assert.equal(css.get('border-left'), '2px solid #4363d8');
    assert.equal(css.get('margin-left'), '-1px');
    assert.equal(css.get('margin-right'), '-1px');
  });
});
