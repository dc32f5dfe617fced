#!/usr/bin/env -S node --expose-gc --max-old-space-size=4096
// The other peers of bench/compare: diamond-types-node, loro-crdt and @automerge/automerge (all Rust compiled to
// wasm) replay an editing trace with the same per-patch work as Weft and Yjs and print one JSON line with the same
// fields as bench/weft-bench and yjs-replay.mjs.
//   node --expose-gc peer-replay.mjs replay|merge --system dt|loro|automerge [--runs N] [--warmup N]
//        [--expect-length N] [--no-heap] [--diff-threshold N] FILE.json.gz
// replay: every patch as a local edit on doc A (delete, then insert; dt: Doc.del/Doc.ins with code-point
//         positions; loro: LoroText.delete/insert with UTF-16 positions and one commit per patch; automerge: one
//         change per patch with splice, UTF-16 positions). No per-patch update is encoded (none of the three
//         produces one as a by-product of a local edit). Then A's full state is encoded (dt: toBytes, loro:
//         snapshot export, automerge: save) and loaded into a fresh doc C whose text is read (load time).
// merge:  loro only: one doc per agent brought to each txn's parents exactly as yjs-replay.mjs does (kept
//         per-txn updates of the missing ancestors in txn order; when diffThreshold or more txns are missing,
//         first a diff from each parent's author doc that has not edited since), patches as local edits and one
//         commit per txn, whose update (export from the version before) is kept; then a fresh doc M imports all
//         txns' updates in one importBatch call (mergeMs: Loro's own way to load many updates; one import() per
//         update costs ~15 s on friendsforever); convergence and the state round trip are checked as for Yjs.
// retainedHeapBytes: the three keep their documents in wasm linear memory, which grows and never shrinks, so
// no per-document figure is measurable from Node; the field is null.
// Exit: 0 correct, 1 wrong result, 2 bad input, 3 replay failure.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { readTrace, patchCount, TraceFormatError } from './trace.mjs'
import { parseArgs, now, Timings, AgentReplicas, requireTraceKind } from './anchor-cli.mjs'

const USAGE = 'usage: peer-replay.mjs replay|merge --system dt|loro|automerge [--runs N] [--warmup N] [--expect-length N] [--no-heap] [--diff-threshold N] FILE.json.gz'
const require = createRequire(import.meta.url)

/** Each system: npm package, how to make a doc, apply a patch, encode and load the full state, read the text. */
const SYSTEMS = {
  dt: {
    pkg: 'diamond-types-node',
    codePoints: true,
    init (m) { this.m = m },
    create (agent) { return new this.m.Doc('agent' + agent) },
    edit (doc, pos, del, ins) {
      if (del > 0) doc.del(pos, del)
      if (ins.length > 0) doc.ins(pos, ins)
      return doc
    },
    text: (doc) => doc.get(),
    encode: (doc) => doc.toBytes(),
    load (bytes) { return this.m.Doc.fromBytes(bytes, 'loader') }
  },
  loro: {
    pkg: 'loro-crdt',
    init (m) { this.m = m },
    create (agent) {
      const d = new this.m.LoroDoc()
      d.setPeerId(agent + 1)
      d.t = d.getText('text')
      return d
    },
    edit (doc, pos, del, ins) {
      if (del > 0) doc.t.delete(pos, del)
      if (ins.length > 0) doc.t.insert(pos, ins)
      doc.commit()
      return doc
    },
    text: (doc) => doc.getText('text').toString(),
    encode: (doc) => doc.export({ mode: 'snapshot' }),
    load (bytes) { return this.m.LoroDoc.fromSnapshot(bytes) }
  },
  automerge: {
    pkg: '@automerge/automerge',
    init (m) { this.m = m },
    create () { return this.m.from({ text: '' }) },
    edit (doc, pos, del, ins) {
      return this.m.change(doc, d => { this.m.splice(d, ['text'], pos, del, ins) })
    },
    text: (doc) => doc.text,
    encode (doc) { return this.m.save(doc) },
    load (bytes) { return this.m.load(bytes) }
  }
}

function version (sys) {
  const pkg = JSON.parse(readFileSync(new URL(`./node_modules/${sys.pkg}/package.json`, import.meta.url), 'utf8'))
  return `${sys.pkg} ${pkg.version}, node ${process.version}`
}

/** Encodes `doc`'s full state and loads it into a fresh doc whose text is read, timing both. */
function roundTrip (sys, doc) {
  const t2 = now()
  const state = sys.encode(doc)
  const encodeNs = now() - t2
  const t3 = now()
  const loaded = sys.load(state)
  const loadedText = sys.text(loaded)
  const loadNs = now() - t3
  if (loaded.free) loaded.free()
  return { state, encodeNs, loadedText, loadNs }
}

function replayOnce (sys, trace) {
  let a = sys.create(0)
  const t0 = now()
  for (const txn of trace.txns) for (const [pos, del, ins] of txn.patches) a = sys.edit(a, pos, del, ins)
  const replayNs = now() - t0
  const textA = sys.text(a)
  const { state, encodeNs, loadedText: textC, loadNs } = roundTrip(sys, a)
  if (a.free) a.free()
  return { textA, textC, replayNs, encodeNs, loadNs, state }
}

/** Loro only: the per-agent replay and merge of yjs-replay.mjs with per-txn updates. */
function mergeOnce (sys, trace, diffThreshold) {
  const L = sys.m
  const n = trace.txns.length
  const txnUpdates = new Array(n)
  const agents = new AgentReplicas(trace, diffThreshold, {
    create: (agent) => sys.create(agent),
    count: (missing) => missing.length, // in txns (one kept update each)
    diff: (doc, from) => doc.import(from.export({ mode: 'update', from: doc.oplogVersion() })),
    apply (doc, m) {
      doc.import(txnUpdates[m])
      return 1
    }
  })
  let updateBytes = 0
  const t0 = now()
  for (let i = 0; i < n; i++) {
    const r = agents.before(i)
    const before = r.oplogVersion()
    for (const [pos, del, ins] of trace.txns[i].patches) {
      if (del > 0) r.t.delete(pos, del)
      if (ins.length > 0) r.t.insert(pos, ins)
    }
    r.commit()
    txnUpdates[i] = r.export({ mode: 'update', from: before })
    updateBytes += txnUpdates[i].length
    agents.after(i)
  }
  const replayNs = now() - t0

  const merged = new L.LoroDoc()
  merged.setPeerId(trace.numAgents + 1)
  const t1 = now()
  merged.importBatch(txnUpdates)
  const mergedText = sys.text(merged)
  const mergeNs = now() - t1

  const frontiers = (d) => JSON.stringify(d.oplogFrontiers())
  const mergedVersion = frontiers(merged)
  let { agents: agentCount, divergence } = agents.converge({
    catchUp: (r) => r.import(merged.export({ mode: 'update', from: r.oplogVersion() })),
    version: frontiers,
    versionName: 'version',
    text: (r) => sys.text(r)
  }, mergedVersion, mergedText)
  const { state, encodeNs, loadedText, loadNs } = roundTrip(sys, merged)
  if (divergence === null && loadedText !== mergedText) divergence = 'the doc loaded from the merged state differs'
  return {
    mergedText, converged: divergence === null, divergence, agents: agentCount, updates: n, updateBytes, replayNs,
    syncNs: agents.syncNs, syncDiffs: agents.syncDiffs, syncApplies: agents.syncApplies, mergeNs, encodeNs, loadNs,
    state
  }
}

function main () {
  let o, trace, sys
  try {
    o = parseArgs(process.argv.slice(2), USAGE, { '--system': 'system' })
    sys = SYSTEMS[o.system]
    if (sys === undefined) throw new TraceFormatError(`--system must be one of ${Object.keys(SYSTEMS).join(', ')}\n${USAGE}`)
    if (o.mode === 'merge' && o.system !== 'loro') throw new TraceFormatError(`merge is implemented for --system loro only\n${USAGE}`)
    trace = readTrace(o.file, { codePoints: sys.codePoints === true })
    requireTraceKind(o, trace)
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e
    process.stderr.write(`peer-replay: ${e.message}\n`)
    return 2
  }
  sys.init(require(sys.pkg))
  const correct = (text) => o.expectLength >= 0 ? text.length === o.expectLength : text === trace.endContent
  const f = { tool: o.system, mode: o.mode, trace: trace.name, kind: trace.kind, txns: trace.txns.length, patches: patchCount(trace) }
  const times = new Timings()
  let ok = true
  let last
  try {
    for (let run = 0; run < o.warmup + o.runs; run++) {
      last = null
      last = o.mode === 'replay' ? replayOnce(sys, trace) : mergeOnce(sys, trace, o.diffThreshold)
      ok &&= o.mode === 'replay' ? correct(last.textA) && last.textC === last.textA : last.converged && correct(last.mergedText)
      if (run < o.warmup) continue
      times.keep('replayMs', last.replayNs)
      if (o.mode === 'merge') {
        times.keep('remoteApplyMs', last.syncNs)
        times.keep('mergeMs', last.mergeNs)
      }
      times.keep('encodeMs', last.encodeNs)
      times.keep('loadMs', last.loadNs)
    }
  } catch (e) {
    process.stderr.write(`peer-replay: ${o.system} ${o.mode} of ${trace.name} failed: ${e.stack}\n`)
    return 3
  }
  const text = o.mode === 'replay' ? last.textA : last.mergedText
  Object.assign(f, { finalLength: text.length, matchesEndContent: text === trace.endContent })
  if (o.mode === 'replay') f.loadMatches = last.textC === last.textA
  else {
    Object.assign(f, { agents: last.agents, converged: last.converged, syncDiffs: last.syncDiffs, syncApplies: last.syncApplies, updates: last.updates, updateBytes: last.updateBytes })
    if (last.divergence) f.divergence = last.divergence
  }
  Object.assign(f, times.summary(), { encodedBytes: last.state.length, retainedHeapBytes: null })
  if (o.expectLength >= 0) f.expectLength = o.expectLength
  Object.assign(f, { warmup: o.warmup, runs: o.runs, runtime: version(sys), ok })
  process.stdout.write(JSON.stringify(f) + '\n')
  return ok ? 0 : 1
}

process.exitCode = main()
