/**
 * Optional per-hop timestamps of the keystroke path (docs/vscode.md, "Where the latency goes"), the extension host's
 * part of the trace the language server also writes: with `WEFT_LATENCY_TRACE` naming a directory in the
 * environment of VS Code (code-server) — the server inherits it — each `textDocument/didChange` is stamped when
 * vscode-languageclient hands it to the middleware (`change`: the extension host has the new text) and when its
 * notification has been written to the server's stdin (`sent`). Lines go to `exthost-<pid>.tsv` in that
 * directory, in the server's format: wall-clock ms, `exthost`, event, file name, document length (UTF-16 units),
 * version. Off (no variable) nothing is installed.
 */
import * as fs from 'fs';
import * as path from 'path';

export class LatencyTrace {
  private lines: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(readonly file: string) {}

  /** The trace for `env`, or undefined when `WEFT_LATENCY_TRACE` is unset or empty. */
  static fromEnv(env: NodeJS.ProcessEnv): LatencyTrace | undefined {
    const dir = (env.WEFT_LATENCY_TRACE ?? '').trim();
    if (dir === '') {
      return undefined;
    }
    fs.mkdirSync(dir, { recursive: true });
    return new LatencyTrace(path.join(dir, `exthost-${process.pid}.tsv`));
  }

  /** Records `event` for the document `uri` now; written within 200 ms (never on the traced path). */
  mark(event: string, uri: string, length: number, version: number): void {
    const ms = performance.timeOrigin + performance.now();
    this.lines.push(`${ms.toFixed(3)}\texthost\t${event}\t${uri.slice(uri.lastIndexOf('/') + 1)}\t${length}\t${version}\n`);
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), 200);
    }
  }

  /** Writes what is buffered (also called at exit). */
  flush(): void {
    this.timer = undefined;
    if (this.lines.length > 0) {
      const text = this.lines.join('');
      this.lines = [];
      fs.appendFileSync(this.file, text);
    }
  }
}
