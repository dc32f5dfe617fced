/**
 * Turning a remote participant's selections into decoration ranges. Pure module (no `vscode` import): the
 * caller passes the document's shape, so the computation is unit-tested without an editor.
 */
import { Position, WireSelection } from './protocol';

/** A half-open range between two positions, `start` ≤ `end`. */
export interface PlainRange {
  start: Position;
  end: Position;
}

/** Ranges to decorate for one participant in one document. */
export interface CursorDecorationRanges {
  /** Non-empty selections (highlighted with the participant's colour). */
  selections: PlainRange[];
  /** Zero-width ranges at each caret (drawn as a bar with the name label). */
  carets: PlainRange[];
}

/** The shape of the document the ranges are drawn in. */
export interface DocumentShape {
  lineCount: number;
  lineLength(line: number): number;
}

/**
 * Clamps a position into the document: a stale remote position (the buffer changed since the server computed
 * it) lands on the nearest valid position instead of throwing or drawing off-screen.
 */
export function clampPosition(p: Position, doc: DocumentShape): Position {
  const lastLine = Math.max(0, doc.lineCount - 1);
  const line = Math.min(Math.max(0, Math.floor(p.line) || 0), lastLine);
  const character = Math.min(Math.max(0, Math.floor(p.character) || 0), doc.lineLength(line));
  return { line, character };
}

/** Orders positions by line, then character. */
export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/**
 * Computes the decoration ranges for a participant's selections.
 *
 * Postconditions: every range lies inside the document; `selections` holds only non-empty ranges with
 * `start` < `end` (anchor/active order does not matter); `carets` holds one zero-width range per selection at
 * its clamped `active` position, without duplicates.
 */
export function computeCursorRanges(selections: readonly WireSelection[], doc: DocumentShape): CursorDecorationRanges {
  const out: CursorDecorationRanges = { selections: [], carets: [] };
  const seenCarets = new Set<string>();
  for (const s of selections ?? []) {
    if (!s || !s.anchor || !s.active) {
      continue;
    }
    const anchor = clampPosition(s.anchor, doc);
    const active = clampPosition(s.active, doc);
    const cmp = comparePositions(anchor, active);
    if (cmp !== 0) {
      out.selections.push(cmp < 0 ? { start: anchor, end: active } : { start: active, end: anchor });
    }
    const key = `${active.line}:${active.character}`;
    if (!seenCarets.has(key)) {
      seenCarets.add(key);
      out.carets.push({ start: active, end: active });
    }
  }
  return out;
}
