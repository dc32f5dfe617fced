/**
 * Rendering of `weft.blame`, `weft.stageMine` and `weft.commit` results (`docs/git.md`, "Editors"). No `vscode`
 * import, so the unit tests run under plain node.
 */

/** One line of a `weft.blame` result. */
export interface BlameLine {
  /** 0-based line number in the shared text. */
  line: number;
  /** Authors of the line's uncommitted characters in order of appearance; `?` for an unknown one. */
  authors: string[];
}

/** `weft.blame` result. */
export interface BlameResult {
  uri: string;
  lines: BlameLine[];
}

/** What the editor shows for one line: the text after its end and the hover. */
export interface BlameDecoration {
  line: number;
  label: string;
  hover: string;
}

/** The authors as people read them: `?` becomes "someone unknown". */
function names(authors: string[]): string {
  return authors.map((a) => (a === '?' ? 'someone unknown' : a)).join(', ');
}

/**
 * The decorations for a blame result: one per line with uncommitted characters, only for lines the editor has
 * (`lineCount`; the shared text can be a line ahead of the buffer while a remote edit is on its way).
 */
export function blameDecorations(result: BlameResult | undefined, lineCount: number): BlameDecoration[] {
  const out: BlameDecoration[] = [];
  for (const l of result?.lines ?? []) {
    if (!Array.isArray(l.authors) || l.authors.length === 0 || l.line < 0 || l.line >= lineCount) {
      continue;
    }
    out.push({
      line: l.line,
      label: `  ✎ ${names(l.authors)}`,
      hover: `**Weft**: uncommitted changes on this line typed by ${names(l.authors)}`,
    });
  }
  return out;
}

/** `weft.stageMine` result. */
export interface StageResult {
  as: string;
  staged: { path: string; inserted: number; deleted: number }[];
  problems: string[];
}

/** `weft.commit` result. */
export interface CommitResult {
  commits: string[];
  trailers: string[];
  problems: string[];
}

/** The one-line summary of a stage; problems are listed separately. */
export function stageSummary(r: StageResult): string {
  const n = r.staged?.length ?? 0;
  const files = n === 1 ? '1 file' : `${n} files`;
  const left = r.problems?.length ?? 0;
  return `Weft: staged your changes in ${files} as ${r.as}` + (left > 0 ? `; ${left} left unstaged (see the log)` : '');
}

/** The one-line summary of a commit. */
export function commitSummary(r: CommitResult): string {
  const ids = (r.commits ?? []).map((c) => c.slice(0, 7)).join(', ');
  const co = (r.trailers ?? []).map((t) => t.replace(/^Co-authored-by:\s*/, ''));
  return `Weft: committed ${ids}` + (co.length > 0 ? ` with co-authors ${co.join(', ')}` : ' (no co-authors)');
}
