// Keystroke → remote buffer latency between VS Code (Alice, code-server in Chromium) and the Neovim peer, both
// directions, split per hop (docs/vscode.md, "Where the latency goes"). Benchmarks: printed, never asserted (a lost
// keystroke is a check failure). Used by e2e.js step 13.
//
// Every hop is stamped with the same wall clock (ms since the epoch): the driver (Date.now() before Playwright
// types / Neovim's gettimeofday before nvim_buf_set_text), the page (performance.timeOrigin + now(): keydown, and
// the DOM line growing), the extension host and both language servers (WEFT_LATENCY_TRACE trace files:
// vscode-extension/src/latencyTrace.ts, lsp-server LatencyTrace), the receiving Neovim (its buffer, polled every
// millisecond). Only one side types during a measurement and only at the end of one line, so the document grows
// by one character per keystroke: keystroke k (0-based) is the first event at a hop whose document length is at
// least base + k + 1 (an applyEdit that carries several keystrokes shows them all at its time).
'use strict';
const fs = require('fs');
const path = require('path');

/** Value at percentile p (nearest rank) of sorted numbers. */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
}

/** Trace events ({t, source, event, doc, length, version}) of every .tsv file in `dir` (none if it is missing). */
function readTrace(dir) {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const out = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.tsv'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const [t, source, event, doc, length, version] = line.split('\t');
      if (version !== undefined) {
        out.push({ t: Number(t), source, event, doc, length: Number(length), version: Number(version) });
      }
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

/**
 * Per keystroke, the time of the first event of `events` (sorted by time, from `since` on) whose length reaches
 * base + k + 1; undefined where none does.
 */
function byLength(events, since, base, n) {
  const times = new Array(n).fill(undefined);
  let k = 0;
  for (const e of events) {
    if (e.t < since) {
      continue;
    }
    while (k < n && e.length >= base + k + 1) {
      times[k++] = e.t;
    }
  }
  return times;
}

/** `recv` events carry the editor version only: their length is that of the version's `withLength` event. */
function recvByLength(recv, withLength) {
  const len = new Map(withLength.map((e) => [e.version, e.length]));
  return recv.filter((e) => len.has(e.version)).map((e) => ({ ...e, length: len.get(e.version) }));
}

/**
 * Prints, per hop, p50/p99 of the time since the keystroke (cumulative) and of the hop itself (from the previous
 * hop), over the keystrokes every hop saw. `hops`: [{name, times}] in path order, the first being the keystroke.
 * Returns the summary object (also written to OUT/latency-<name>.json by the caller).
 */
function report(log, title, allHops, load) {
  // Hops nobody stamped (traces off: WEFT_E2E_LATENCY_TRACE=0) are left out.
  const hops = allHops.filter((h, i) => i === 0 || h.times.some((t) => t !== undefined));
  const n = hops[0].times.length;
  const complete = [];
  for (let k = 0; k < n; k++) {
    if (hops.every((h) => h.times[k] !== undefined)) {
      complete.push(k);
    }
  }
  const rows = [];
  for (let i = 1; i < hops.length; i++) {
    const cum = complete.map((k) => hops[i].times[k] - hops[0].times[k]).sort((a, b) => a - b);
    const step = complete.map((k) => hops[i].times[k] - hops[i - 1].times[k]).sort((a, b) => a - b);
    rows.push({
      hop: hops[i].name,
      p50: percentile(cum, 50), p99: percentile(cum, 99),
      stepP50: percentile(step, 50), stepP99: percentile(step, 99),
      seen: hops[i].times.filter((t) => t !== undefined).length,
    });
  }
  const f = (x) => (x === undefined ? '-' : x.toFixed(1));
  log(`[latency] ${title}: ${complete.length} of ${n} keystrokes stamped at every hop; load ${load}`);
  log(`[latency]   ${'hop'.padEnd(44)} since key p50 / p99   this hop p50 / p99  (ms)`);
  for (const r of rows) {
    log(`[latency]   ${r.hop.padEnd(44)} ${f(r.p50).padStart(8)} / ${f(r.p99).padEnd(8)} ${f(r.stepP50).padStart(8)} / ${f(r.stepP99).padEnd(8)}${r.seen < n ? ` (seen ${r.seen})` : ''}`);
  }
  return { title, keystrokes: n, complete: complete.length, load, hops: rows };
}

/** Starts recording, in `page`, the wall-clock time of each printable keydown (capture phase, before the editor). */
async function recordKeydowns(page) {
  await page.evaluate(() => {
    window.__weftKeydowns = [];
    document.addEventListener('keydown', (e) => {
      if (e.key.length === 1) {
        window.__weftKeydowns.push(performance.timeOrigin + performance.now());
      }
    }, true);
  });
}

/**
 * Starts recording, in `page`, when the editor line starting with `prefix` grows on screen: a MutationObserver on
 * the active editor's view lines stamps each new character (the DOM is updated at the next animation frame after
 * the model). Returns the line's length now.
 */
async function watchLine(page, prefix, n) {
  return page.evaluate(({ prefix, n }) => {
    const root = document.querySelector('.editor-instance .monaco-editor .view-lines');
    const lineLength = () => {
      for (const el of root.querySelectorAll('.view-line')) {
        const t = el.textContent.replace(/[\u00a0]/g, ' ').replace(/\u200b/g, '');
        if (t.startsWith(prefix)) {
          return t.length;
        }
      }
      return null;
    };
    const w = { base: lineLength(), times: [] };
    window.__weftWatch = w;
    const obs = new MutationObserver(() => {
      const len = lineLength();
      if (len === null) {
        return;
      }
      const now = performance.timeOrigin + performance.now();
      while (w.times.length < Math.min(len - w.base, n)) {
        w.times.push(now);
      }
      if (w.times.length >= n) {
        obs.disconnect();
      }
    });
    obs.observe(root, { childList: true, subtree: true, characterData: true });
    return w.base;
  }, { prefix, n });
}

module.exports = { percentile, readTrace, byLength, recvByLength, report, recordKeydowns, watchLine };
