/**
 * How a remote caret and its name label look. Pure module (no `vscode` import) so the styles are unit-tested.
 *
 * VS Code's decoration API has no "overlay" attachment: `before`/`after` content is laid out inline and pushes the
 * rest of the line to the right. Its `textDecoration` value is written into the element's CSS as it is, so extra
 * declarations after `none;` apply too: `position: absolute` takes the label out of the line's flow (it stays where
 * it would have been drawn, its static position) and a vertical translation lifts it above the line, as Live Share
 * draws its name flags. The caret bar is a zero-width character with a border, so it does not move text either.
 */

/** The `before` attachment drawing the caret bar (zero-width content, a 2px border). */
export interface CaretBarStyle {
  contentText: string;
  color: string;
  textDecoration: string;
}

/** The `after` attachment drawing the name label. */
export interface NameLabelStyle {
  contentText: string;
  color: string;
  backgroundColor: string;
  fontWeight: string;
  textDecoration: string;
}

/** The caret bar in `color`: no width of its own, so the text after the caret stays where it is. */
export function caretBarStyle(color: string): CaretBarStyle {
  return {
    contentText: '\u200b',
    color,
    textDecoration: `none; position: relative; border-left: 2px solid ${color}; margin-left: -1px; margin-right: -1px; z-index: 1`,
  };
}

/**
 * The name label on `color`: out of the text flow (`position: absolute`), lifted above the caret's line, never
 * catching the mouse; so the line's text is laid out exactly as without the label.
 */
export function nameLabelStyle(name: string, color: string): NameLabelStyle {
  return {
    contentText: name,
    color: '#ffffff',
    backgroundColor: color,
    fontWeight: 'normal',
    textDecoration: 'none; position: absolute; z-index: 3; transform: translateY(-85%); font-size: 0.75em; '
      + 'line-height: 1.3em; padding: 0 3px; border-radius: 3px 3px 3px 0; white-space: nowrap; '
      + 'pointer-events: none; opacity: 0.95',
  };
}

/** The CSS declarations a `textDecoration` value injects, as property → value (`none` itself is skipped). */
export function injectedCss(textDecoration: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of textDecoration.split(';')) {
    const i = part.indexOf(':');
    if (i > 0) {
      out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
    }
  }
  return out;
}
