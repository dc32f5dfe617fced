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

/** Throws TraceFormatError (exit 2) unless `trace` suits the mode: `replay` takes sequential traces, `merge` concurrent ones. */
export function requireTraceKind (o, trace) {
  if (o.mode === 'replay' && trace.kind !== 'sequential') throw new TraceFormatError(`${o.file} is a concurrent trace; use 'merge'`)
  if (o.mode === 'merge' && trace.kind !== 'concurrent') throw new TraceFormatError(`${o.file} is a sequential trace; use 'replay'`)
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
 * The per-agent replicas of both anchors' merge mode (the plan of WeftConcurrentReplay): one replica per agent, made
 * by `ops.create(agent)` on the agent's first txn and brought up to each txn's parents by `before(i)`. A replica
 * lacking `ops.count(missing)` >= `diffThreshold` (in the anchor's own unit) first takes one diff, `ops.diff(r,
 * from)`, from each parent's author replica that has not edited since (it holds exactly the parent's closure, so
 * its holds become `r`'s); whatever is still missing comes as kept updates in txn order, `ops.apply(r, m)`, which
 * returns how many updates it applied. `syncNs`, `syncDiffs` and `syncApplies` add up that work.
 */
export class AgentReplicas {
  constructor (trace, diffThreshold, ops) {
    this.trace = trace
    this.diffThreshold = diffThreshold
    this.ops = ops
    this.replicas = new Array(trace.numAgents).fill(null)
    this.holds = []
    this.lastOwn = new Array(trace.numAgents).fill(-1)
    this.visited = new Int32Array(trace.txns.length).fill(-1)
    this.syncNs = 0n
    this.syncDiffs = 0
    this.syncApplies = 0
  }

  /** The replica of txn `i`'s agent, brought up to the txn's parents (timed as sync). */
  before (i) {
    const n = this.trace.txns.length
    const txn = this.trace.txns[i]
    const agent = txn.agent
    if (this.replicas[agent] === null) {
      this.replicas[agent] = this.ops.create(agent)
      this.holds[agent] = new Uint8Array(n)
    }
    const r = this.replicas[agent]
    const held = this.holds[agent]
    const missing = missingAncestors(this.trace, i, held, this.lastOwn[agent], this.visited)
    const s = now()
    if (this.ops.count(missing) >= this.diffThreshold) {
      for (const p of txn.parents) {
        const producer = this.trace.txns[p].agent
        if (!held[p] && this.lastOwn[producer] === p) {
          this.ops.diff(r, this.replicas[producer])
          this.syncDiffs++
          const from = this.holds[producer]
          for (let k = 0; k < n; k++) if (from[k]) held[k] = 1
        }
      }
    }
    for (const m of missing) {
      if (held[m]) continue
      this.syncApplies += this.ops.apply(r, m)
      held[m] = 1
    }
    this.syncNs += now() - s
    return r
  }

  /**
   * The final sync of the merge mode: every replica takes what it lacks of the merged doc (`catchUp(r)`), then must
   * have the merged doc's version (`version(r)` equal to `mergedVersion`; `versionName` names it in the message) and
   * text (`text(r)`). Returns the number of replicas and the first divergence found, or null.
   */
  converge ({ catchUp, version, versionName, text }, mergedVersion, mergedText) {
    let divergence = null
    let agents = 0
    for (let a = 0; a < this.replicas.length; a++) {
      const r = this.replicas[a]
      if (r === null) continue
      agents++
      catchUp(r)
      if (divergence !== null) continue
      if (version(r) !== mergedVersion) divergence = `agent ${a} has a different ${versionName}`
      else if (text(r) !== mergedText) divergence = `agent ${a} text differs from the merged doc`
    }
    return { agents, divergence }
  }

  /** Txn `i` has been replayed on its agent's replica. */
  after (i) {
    const agent = this.trace.txns[i].agent
    this.holds[agent][i] = 1
    this.lastOwn[agent] = i
  }
}
