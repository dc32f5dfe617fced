// Command line, timing and summary helpers shared by the Node anchors (yjs-replay.mjs, peer-replay.mjs): the same
// options, the same medians and the same exit codes as bench/weft-bench.
import { TraceFormatError } from './trace.mjs'

export const GIT_MAKEFILE_LENGTH = 113676
export const DEFAULT_DIFF_THRESHOLD = 1000 // as WeftConcurrentReplay.DIFF_THRESHOLD

/**
 * Parses `replay|merge [--runs N] [--warmup N] [--expect-length N] [--no-heap] [--diff-threshold N] FILE` plus the
 * `extra` options (name → true for a flag; `--system` takes a value). Throws TraceFormatError (exit 2) with `usage`.
 */
export function parseArgs (argv, usage, extra = {}) {
  const [mode, ...rest] = argv
  if (mode !== 'replay' && mode !== 'merge') throw new TraceFormatError(`unknown command '${mode ?? ''}'\n${usage}`)
  const o = { mode, runs: 3, warmup: 1, expectLength: -1, heap: true, diffThreshold: DEFAULT_DIFF_THRESHOLD, files: [] }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    const num = (min) => {
      const v = Number(rest[++i])
      if (!Number.isInteger(v) || v < min) throw new TraceFormatError(`${a} needs an integer >= ${min}\n${usage}`)
      return v
    }
    if (a === '--runs') o.runs = num(1)
    else if (a === '--warmup') o.warmup = num(0)
    else if (a === '--expect-length') o.expectLength = num(0)
    else if (a === '--no-heap') o.heap = false
    else if (a === '--diff-threshold') o.diffThreshold = num(0)
    else if (a in extra) {
      if (i + 1 >= rest.length) throw new TraceFormatError(`${a} needs a value\n${usage}`)
      o[extra[a]] = rest[++i]
    } else if (a.startsWith('--')) throw new TraceFormatError(`unknown option '${a}'\n${usage}`)
    else o.files.push(a)
  }
  if (o.files.length !== 1) throw new TraceFormatError(`expected one trace file\n${usage}`)
  o.file = o.files[0]
  if (o.expectLength < 0 && /(^|\/)git-makefile[^/]*$/.test(o.file)) o.expectLength = GIT_MAKEFILE_LENGTH
  return o
}

export const now = () => process.hrtime.bigint()
export const ms = (ns) => Number(ns) / 1e6

export function median (values) {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  const v = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
  return Math.round(v * 10) / 10
}

/** Per-phase timings of the measured runs; `summary()` gives the medians as `{ phaseMs: median }`. */
export class Timings {
  constructor () { this.times = {} }
  keep (key, ns) { (this.times[key] ??= []).push(ms(ns)) }
  summary () { return Object.fromEntries(Object.entries(this.times).map(([k, v]) => [k, median(v)])) }
}

/**
 * Finds the txns a replica is missing before txn `i` (walking parents from `txn.parents` down to what `held`
 * marks), in txn order. Throws if the agent's previous txn (`lastOwn`) is not an ancestor.
 */
export function missingAncestors (trace, i, held, lastOwn, visited) {
  const txn = trace.txns[i]
  const stack = [...txn.parents]
  const missing = []
  let reachedOwn = lastOwn < 0
  while (stack.length > 0) {
    const t = stack.pop()
    if (visited[t] === i) continue
    visited[t] = i
    if (held[t]) { if (t === lastOwn) reachedOwn = true; continue }
    missing.push(t)
    for (const p of trace.txns[t].parents) stack.push(p)
  }
  if (!reachedOwn) throw new Error(`txn ${i} of agent ${txn.agent} does not descend from the agent's previous txn`)
  return missing.sort((x, y) => x - y)
}

/**
 * Brings `r`, the replica of txn `i`'s agent, up to the txn's parents: the sync step of both anchors' merge mode
 * (the plan of WeftConcurrentReplay). `missing` are the txns it lacks (`missingAncestors`) and `missingCount` how
 * much that is in the anchor's own unit; when it reaches `diffThreshold`, `r` first takes one diff from each
 * parent's author replica that has not edited since (it holds exactly the parent's closure: its holds become
 * `r`'s), then whatever is still missing comes as kept updates in txn order. `s` holds the per-agent state
 * (`trace`, `replicas`, `holds`, `lastOwn`); `diff(r, from)` applies replica `from`'s diff against `r`,
 * `apply(r, m)` applies txn `m`'s kept updates and returns how many updates it applied.
 * Returns `{ diffs, applies }`.
 */
export function bringToParents (s, i, r, missing, missingCount, diffThreshold, diff, apply) {
  const txn = s.trace.txns[i]
  const held = s.holds[txn.agent]
  const n = s.trace.txns.length
  let diffs = 0
  let applies = 0
  if (missingCount >= diffThreshold) {
    for (const p of txn.parents) {
      const producer = s.trace.txns[p].agent
      if (!held[p] && s.lastOwn[producer] === p) {
        diff(r, s.replicas[producer])
        diffs++
        const from = s.holds[producer]
        for (let k = 0; k < n; k++) if (from[k]) held[k] = 1
      }
    }
  }
  for (const m of missing) {
    if (held[m]) continue
    applies += apply(r, m)
    held[m] = 1
  }
  return { diffs, applies }
}
