#!/usr/bin/env -S node --expose-gc --max-old-space-size=4096
// The Yjs anchor: replays an editing trace through Yjs exactly as bench/weft-bench does through Weft and prints
// one JSON line with the same fields.
//   node --expose-gc yjs-replay.mjs replay|merge [--runs N] [--warmup N] [--expect-length N] [--no-heap] FILE.json.gz
// replay: every patch as local edits on doc A (delete, then insert, each its own transaction; the v1 update of
//         each is captured from A's 'update' event), the updates applied one by one on doc B, A's full state
//         encoded with encodeStateAsUpdateV2 (the reference figures use v2) and loaded into a fresh doc C.
// merge:  one doc per agent brought to each txn's parents (kept per-edit updates of the missing ancestor txns; when
//         1000 or more are missing, first a diff from each parent's author doc that has not edited since), patches as local edits; then a fresh doc M applies every update in txn order (mergeMs), every
//         agent doc receives M's diff against its state vector, and M's v2 state is loaded into a fresh doc.
// Exit: 0 correct, 1 wrong result, 2 bad input, 3 replay failure.
import * as Y from 'yjs'
import { readFileSync } from 'node:fs'
import { readTrace, patchCount, TraceFormatError } from './trace.mjs'
import { parseArgs, now, ms, median, AgentReplicas, requireTraceKind } from './anchor-cli.mjs'

const USAGE = 'usage: yjs-replay.mjs replay|merge [--runs N] [--warmup N] [--expect-length N] [--no-heap] [--diff-threshold N] FILE.json.gz'
const parse = (argv) => parseArgs(argv, USAGE)

function applyPatch (ytext, [pos, del, ins], sink) {
  if (del > 0) ytext.delete(pos, del)
  if (ins.length > 0) ytext.insert(pos, ins)
}

/** Encodes `doc`'s full state (v2) and loads it into a fresh doc whose text is read, timing both. */
function roundTrip (doc) {
  const t2 = now()
  const state = Y.encodeStateAsUpdateV2(doc)
  const encodeNs = now() - t2
  const t3 = now()
  const loaded = new Y.Doc()
  Y.applyUpdateV2(loaded, state)
  const loadedText = loaded.getText('text').toString()
  const loadNs = now() - t3
  return { state, encodeNs, loadedText, loadNs }
}

function replayOnce (trace) {
  const a = new Y.Doc()
  a.clientID = 1
  const ta = a.getText('text')
  const updates = []
  a.on('update', (u) => updates.push(u))
  const t0 = now()
  for (const txn of trace.txns) for (const p of txn.patches) applyPatch(ta, p)
  const replayNs = now() - t0

  const b = new Y.Doc()
  b.clientID = 2
  const t1 = now()
  for (const u of updates) Y.applyUpdate(b, u)
  const remoteNs = now() - t1

  const { state, encodeNs, loadedText: textC, loadNs } = roundTrip(a)
  let updateBytes = 0
  for (const u of updates) updateBytes += u.length
  return {
    textA: ta.toString(), textB: b.getText('text').toString(), textC, updates: updates.length, updateBytes,
    replayNs, remoteNs, encodeNs, loadNs, state, stateV1Bytes: Y.encodeStateAsUpdate(a).length
  }
}

function mergeOnce (trace, diffThreshold) {
  const n = trace.txns.length
  const txnUpdates = new Array(n)
  let sink = null
  const agents = new AgentReplicas(trace, diffThreshold, {
    create (agent) {
      const d = new Y.Doc()
      d.clientID = agent + 1
      d.on('update', (u, origin, doc, tr) => { if (tr.local && sink !== null) sink.push(u) })
      return d
    },
    count (missing) { // in kept per-edit updates
      let edits = 0
      for (const m of missing) edits += txnUpdates[m].length
      return edits
    },
    diff: (doc, from) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(from, Y.encodeStateVector(doc))),
    apply (doc, m) {
      for (const u of txnUpdates[m]) Y.applyUpdate(doc, u)
      return txnUpdates[m].length
    }
  })
  let updates = 0
  let updateBytes = 0
  const t0 = now()
  for (let i = 0; i < n; i++) {
    const r = agents.before(i)
    sink = []
    const text = r.getText('text')
    for (const p of trace.txns[i].patches) applyPatch(text, p)
    txnUpdates[i] = sink
    sink = null
    updates += txnUpdates[i].length
    for (const u of txnUpdates[i]) updateBytes += u.length
    agents.after(i)
  }
  const replayNs = now() - t0

  const merged = new Y.Doc()
  merged.clientID = trace.numAgents + 1
  const t1 = now()
  for (const us of txnUpdates) for (const u of us) Y.applyUpdate(merged, u)
  const mergedText = merged.getText('text').toString()
  const mergeNs = now() - t1

  const stateVector = (d) => [...Y.decodeStateVector(Y.encodeStateVector(d))].sort().join()
  let { agents: agentCount, divergence } = agents.converge({
    catchUp: (r) => Y.applyUpdate(r, Y.encodeStateAsUpdate(merged, Y.encodeStateVector(r))),
    version: stateVector,
    versionName: 'state vector',
    text: (r) => r.getText('text').toString()
  }, stateVector(merged), mergedText)
  const { state, encodeNs, loadedText, loadNs } = roundTrip(merged)
  if (divergence === null && loadedText !== mergedText) divergence = 'the doc loaded from the merged state differs'
  return {
    mergedText, converged: divergence === null, divergence, agents: agentCount, updates, updateBytes, replayNs,
    syncNs: agents.syncNs, syncDiffs: agents.syncDiffs, syncApplies: agents.syncApplies, mergeNs, encodeNs, loadNs,
    state, stateV1Bytes: Y.encodeStateAsUpdate(merged).length
  }
}

function retainedHeap (state) {
  if (typeof global.gc !== 'function') return null
  const settle = () => { for (let i = 0; i < 4; i++) global.gc() }
  settle()
  const before = process.memoryUsage().heapUsed
  const c = new Y.Doc()
  Y.applyUpdateV2(c, state)
  c.getText('text').toString()
  settle()
  const after = process.memoryUsage().heapUsed
  retainedHeap.keep = c // keep the doc reachable across the second measurement
  return after - before
}

function main () {
  let o, trace
  try {
    o = parse(process.argv.slice(2))
    trace = readTrace(o.file)
    requireTraceKind(o, trace)
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e
    process.stderr.write(`yjs-replay: ${e.message}\n`)
    return 2
  }
  const correct = (text) => o.expectLength >= 0 ? text.length === o.expectLength : text === trace.endContent
  const f = { tool: 'yjs', mode: o.mode, trace: trace.name, kind: trace.kind, txns: trace.txns.length, patches: patchCount(trace) }
  const times = {}
  const keep = (k, ns) => { (times[k] ??= []).push(ms(ns)) }
  let ok = true
  let last
  try {
    for (let run = 0; run < o.warmup + o.runs; run++) {
      last = null
      last = o.mode === 'replay' ? replayOnce(trace) : mergeOnce(trace, o.diffThreshold)
      ok &&= o.mode === 'replay'
        ? correct(last.textA) && last.textB === last.textA && last.textC === last.textA
        : last.converged && correct(last.mergedText)
      if (run < o.warmup) continue
      keep('replayMs', last.replayNs)
      keep('remoteApplyMs', o.mode === 'replay' ? last.remoteNs : last.syncNs)
      if (o.mode === 'merge') keep('mergeMs', last.mergeNs)
      keep('encodeMs', last.encodeNs)
      keep('loadMs', last.loadNs)
    }
  } catch (e) {
    process.stderr.write(`yjs-replay: replay of ${trace.name} failed: ${e.stack}\n`)
    return 3
  }
  if (o.mode === 'replay') {
    Object.assign(f, {
      finalLength: last.textA.length, matchesEndContent: last.textA === trace.endContent,
      remoteMatches: last.textB === last.textA, loadMatches: last.textC === last.textA
    })
  } else {
    Object.assign(f, {
      agents: last.agents, finalLength: last.mergedText.length, matchesEndContent: last.mergedText === trace.endContent,
      converged: last.converged
    })
    if (last.divergence) f.divergence = last.divergence
  }
  for (const [k, v] of Object.entries(times)) {
    f[k] = median(v)
    if (k === 'remoteApplyMs' && o.mode === 'merge') Object.assign(f, { syncDiffs: last.syncDiffs, syncApplies: last.syncApplies })
  }
  Object.assign(f, {
    encodedBytes: last.state.length, encoding: 'full state: encodeStateAsUpdateV2; per-edit updates: v1 update events',
    encodedBytesV1: last.stateV1Bytes, updates: last.updates, updateBytes: last.updateBytes
  })
  const state = last.state
  last = null
  if (o.heap) f.retainedHeapBytes = retainedHeap(state)
  if (o.expectLength >= 0) f.expectLength = o.expectLength
  const yjsVersion = JSON.parse(readFileSync(new URL('./node_modules/yjs/package.json', import.meta.url))).version
  Object.assign(f, { warmup: o.warmup, runs: o.runs, runtime: `yjs ${yjsVersion}, node ${process.version}`, ok })
  process.stdout.write(JSON.stringify(f) + '\n')
  return ok ? 0 : 1
}

process.exitCode = main()
