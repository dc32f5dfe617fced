// Formats the JSON lines collected by bench/compare: one block per trace (floor / Weft / Yjs / diamond-types /
// Loro / Automerge side by side, with the ratios the issues' targets use), then Markdown summary tables: the
// Weft-vs-Yjs table, the sequential peers table (ratios against diamond-types-node) and the concurrent merge table.
// With several rounds (bench/compare --rounds K: lines tagged "round"), every figure above is the median across the
// rounds of the per-round medians, followed by the rounds' min-max per system and trace and, per target ratio
// against diamond-types-node, the per-round ratios' min-median-max and a verdict (met / missed / mixed).
// Usage: compare-table.mjs RESULTS MACHINE [LOG]
import { readFileSync, appendFileSync } from 'node:fs'

const [resultsFile, machine, logFile] = process.argv.slice(2)
const rows = readFileSync(resultsFile, 'utf8').split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l))
const roundsOf = new Map() // trace -> tool -> the tool's records, one per round, in round order
for (const r of rows) {
  if (!roundsOf.has(r.trace)) roundsOf.set(r.trace, new Map())
  const tools = roundsOf.get(r.trace)
  if (!tools.has(r.tool)) tools.set(r.tool, [])
  tools.get(r.tool).push(r)
}
const rounds = Math.max(1, ...rows.map(r => r.round ?? 1))

const median = vs => {
  const s = [...vs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * One record standing for a tool's rounds on a trace: the record itself when there is one round; otherwise each
 * numeric field is the median across the rounds that report it, each boolean is true only if it is in every round,
 * and the first error / divergence of any round is kept (prefixed with its round).
 */
function acrossRounds (records) {
  if (records.length === 1) return records[0]
  const merged = {}
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) {
      if (k === 'round') continue
      if (typeof v === 'string' && (k === 'error' || k === 'divergence')) merged[k] ??= `round ${r.round}: ${v}`
      else if (typeof v === 'boolean') merged[k] = (merged[k] ?? true) && v
      else if (typeof v !== 'number') merged[k] ??= v
    }
  }
  for (const k of new Set(records.flatMap(Object.keys))) {
    const vs = records.map(r => r[k]).filter(v => typeof v === 'number')
    if (k !== 'round' && vs.length > 0) merged[k] = median(vs)
  }
  if (records.some(r => r.error || r.ok === false)) merged.ok = false
  return merged
}

const traces = new Map([...roundsOf].map(([name, tools]) =>
  [name, Object.fromEntries([...tools].map(([tool, records]) => [tool, acrossRounds(records)]))]))

const num = (v, digits = 0) => v === undefined || v === null ? '-' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const ms = v => num(v, v !== undefined && v !== null && v < 100 ? 1 : 0)
const ratio = (a, b) => (a === undefined || b === undefined || a === null || b === null || b === 0) ? undefined : a / b
const x = v => v === undefined ? '-' : (v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2)) + 'x'
const mark = (v, ok) => v === undefined ? '' : ok ? ' ok' : ' MISSED'
const yes = r => r === undefined ? '-' : r.error ? 'ERROR' : r.ok ? 'yes' : 'NO'
const pad = (s, n) => String(s).padStart(n)

/**
 * Appends a Markdown table after a blank line (and `title` and another blank line, when given): the `header` cells
 * (`a | b | …`), the alignment row (the first and last columns left-aligned, the others right-aligned), then
 * `rows`, each already formatted as `| … |`.
 */
function table (title, header, rows) {
  if (title) out.push('', title)
  out.push('', `| ${header} |`, `|---|${'---:|'.repeat(header.split(' | ').length - 2)}---|`, ...rows)
}

const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
const out = []
out.push(`bench/compare ${now} (${machine}); medians of the measured runs after warm-up` +
  (rounds > 1 ? `; ${rounds} rounds: medians across the rounds of the per-round medians` : ''))
const summary = []
for (const [name, t] of traces) {
  const info = t.reader ?? {}
  const w = t.weft ?? {}
  const y = t.yjs ?? {}
  const fl = t.floor
  const peers = { dt: t.dt ?? {}, loro: t.loro ?? {}, automerge: t.automerge ?? {} }
  const merge = info.kind === 'concurrent'
  out.push('')
  out.push(`${name} (${info.kind}, ${num(info.patches)} patches, ${num(info.txns)} txns, ${num(info.agents)} agents, final length ${num(info.endLength)})`)
  const cols = merge ? [['weft', w], ['yjs', y], ['loro', peers.loro]]
    : [['floor', fl ?? {}], ['weft', w], ['yjs', y], ['dt', peers.dt], ['loro', peers.loro], ['automerge', peers.automerge]]
  out.push(pad('', 24) + cols.map(([n]) => pad(n, 12)).join(''))
  const line = (label, key, fmt) => out.push(pad(label, 24) + cols.map(([, r]) => pad(fmt(r[key]), 12)).join(''))
  line(merge ? 'replay ms (per agent)' : 'replay ms', 'replayMs', ms)
  if (!merge) line('replay ms, no updates', 'replayNoUpdateMs', ms)
  line(merge ? '  of which sync ms' : 'remote apply ms', 'remoteApplyMs', ms)
  if (merge) line('merge ms (fresh doc)', 'mergeMs', ms)
  line('encode state ms', 'encodeMs', ms)
  line('load state ms', 'loadMs', ms)
  line('encoded state bytes', 'encodedBytes', num)
  line('retained heap bytes', 'retainedHeapBytes', num)
  line('final length', 'finalLength', num)
  if (merge) line('converged', 'converged', v => v === undefined ? '-' : v ? 'yes' : 'NO')
  line('matches endContent', 'matchesEndContent', v => v === undefined ? '-' : v ? 'yes' : 'no')
  out.push(pad('correct (exit 0)', 24) + cols.map(([, r]) => pad(yes(r.tool ? r : undefined), 12)).join(''))
  const d = peers.dt
  if (!merge) {
    out.push(`  vs diamond-types-node: replay ${x(ratio(w.replayMs, d.replayMs))} with per-patch updates, ` +
      `${x(ratio(w.replayNoUpdateMs, d.replayMs))} without (target <= 1x); load ${x(ratio(w.loadMs, d.loadMs))} (target <= 1x); ` +
      `state ${x(ratio(w.encodedBytes, d.encodedBytes))} (target <= 1x)`)
  } else {
    const best = Math.min(...[y.mergeMs, peers.loro.mergeMs].filter(v => typeof v === 'number'))
    out.push(`  merge weft / best of yjs, loro = ${x(ratio(w.mergeMs, Number.isFinite(best) ? best : undefined))} (target <= 0.5x)`)
  }
  const e = {
    weftFloor: ratio(w.replayMs, fl?.replayMs),
    yjsWeft: ratio(y.replayMs, w.replayMs),
    remoteReplay: merge ? undefined : ratio(w.remoteApplyMs, w.replayMs),
    mergeWeftYjs: merge ? ratio(w.mergeMs, y.mergeMs) : undefined
  }
  const notes = []
  if (!merge) {
    notes.push(`weft replay / floor = ${x(e.weftFloor)} (target <= 4x)${mark(e.weftFloor, e.weftFloor <= 4)}`)
    notes.push(`yjs replay / weft replay = ${x(e.yjsWeft)} (target >= 15x)${mark(e.yjsWeft, e.yjsWeft >= 15)}`)
    notes.push(`weft remote apply / replay = ${x(e.remoteReplay)} (target <= 2x)${mark(e.remoteReplay, e.remoteReplay <= 2)}`)
  } else {
    notes.push(`merge weft / yjs = ${x(e.mergeWeftYjs)} (target <= 0.5x)${mark(e.mergeWeftYjs, e.mergeWeftYjs <= 0.5)}`)
    notes.push(`replay yjs / weft = ${x(e.yjsWeft)}`)
  }
  notes.push(`load ${ms(w.loadMs)} ms (target <= 30)${mark(w.loadMs, w.loadMs <= 30)}`)
  notes.push(`state ${num(w.encodedBytes)} B vs yjs v2 ${num(y.encodedBytes)} B = ${x(ratio(w.encodedBytes, y.encodedBytes))}`)
  notes.push(`heap ${num(w.retainedHeapBytes)} B vs yjs ${num(y.retainedHeapBytes)} B`)
  out.push('  ' + notes.join('\n  '))
  for (const r of [w, y, fl, ...Object.values(peers)]) if (r?.error) out.push(`  ${r.tool}: ${r.error}`)
  for (const r of [w, y, ...Object.values(peers)]) if (r?.divergence) out.push(`  ${r.tool}: ${r.divergence}`)
  summary.push({ name, info, w, y, fl, e, merge, peers })
}

table(null, 'trace | floor ms | Weft replay ms | Yjs replay ms | Weft/floor | Yjs/Weft | Weft remote ms | remote/replay | Weft merge ms | Yjs merge ms | merge Weft/Yjs | Weft load ms | Yjs load ms | Weft state B | Yjs v2 state B | Weft heap B | Yjs heap B | correct W/Y',
  summary.map(s => {
  const { w, y, fl, e } = s
  return `| ${s.name} | ${ms(fl?.replayMs)} | ${ms(w.replayMs)} | ${ms(y.replayMs)} | ${x(e.weftFloor)} | ${x(e.yjsWeft)} | ` +
    `${s.merge ? '-' : ms(w.remoteApplyMs)} | ${x(e.remoteReplay)} | ${s.merge ? ms(w.mergeMs) : '-'} | ${s.merge ? ms(y.mergeMs) : '-'} | ` +
    `${x(e.mergeWeftYjs)} | ${ms(w.loadMs)} | ${ms(y.loadMs)} | ${num(w.encodedBytes)} | ${num(y.encodedBytes)} | ` +
    `${num(w.retainedHeapBytes)} | ${num(y.retainedHeapBytes)} | ${yes(w.tool ? w : undefined)}/${yes(y.tool ? y : undefined)} |`
  }))

const correct = r => r.tool ? (r.ok ? 'yes' : 'NO') : r.error ? 'ERR' : '-'
const seq = summary.filter(s => !s.merge)
if (seq.length > 0) {
  table('Sequential traces against the peers (ratios: Weft / diamond-types-node, same run; Weft replay with and without per-patch update encoding):',
    'trace | Weft replay ms | Weft replay ms, no updates | dt ms | Loro ms | Automerge ms | Yjs ms | Weft/dt | Weft no-upd/dt | Weft load ms | dt load ms | Loro load ms | Automerge load ms | Yjs load ms | load Weft/dt | Weft B | dt B | Loro B | Automerge B | Yjs v2 B | bytes Weft/dt | Weft heap B | Yjs heap B | correct W/Y/dt/L/A',
    seq.map(s => {
      const { w, y } = s
      const { dt, loro, automerge: am } = s.peers
      return `| ${s.name} | ${ms(w.replayMs)} | ${ms(w.replayNoUpdateMs)} | ${ms(dt.replayMs)} | ${ms(loro.replayMs)} | ${ms(am.replayMs)} | ${ms(y.replayMs)} | ` +
        `${x(ratio(w.replayMs, dt.replayMs))} | ${x(ratio(w.replayNoUpdateMs, dt.replayMs))} | ` +
        `${ms(w.loadMs)} | ${ms(dt.loadMs)} | ${ms(loro.loadMs)} | ${ms(am.loadMs)} | ${ms(y.loadMs)} | ${x(ratio(w.loadMs, dt.loadMs))} | ` +
        `${num(w.encodedBytes)} | ${num(dt.encodedBytes)} | ${num(loro.encodedBytes)} | ${num(am.encodedBytes)} | ${num(y.encodedBytes)} | ${x(ratio(w.encodedBytes, dt.encodedBytes))} | ` +
        `${num(w.retainedHeapBytes)} | ${num(y.retainedHeapBytes)} | ${[w, y, dt, loro, am].map(correct).join('/')} |`
    }))
}
const conc = summary.filter(s => s.merge)
if (conc.length > 0) {
  table('Concurrent traces: merge of all updates into a fresh replica (Loro: one importBatch of its per-txn updates):',
    'trace | Weft merge ms | Yjs merge ms | Loro merge ms | Weft / best other | Weft replay ms | Yjs replay ms | Loro replay ms | Weft load ms | Yjs load ms | Loro load ms | Weft B | Yjs v2 B | Loro B | correct W/Y/L',
    conc.map(s => {
      const { w, y } = s
      const l = s.peers.loro
      const best = Math.min(...[y.mergeMs, l.mergeMs].filter(v => typeof v === 'number'))
      return `| ${s.name} | ${ms(w.mergeMs)} | ${ms(y.mergeMs)} | ${ms(l.mergeMs)} | ${x(ratio(w.mergeMs, Number.isFinite(best) ? best : undefined))} | ` +
        `${ms(w.replayMs)} | ${ms(y.replayMs)} | ${ms(l.replayMs)} | ${ms(w.loadMs)} | ${ms(y.loadMs)} | ${ms(l.loadMs)} | ` +
        `${num(w.encodedBytes)} | ${num(y.encodedBytes)} | ${num(l.encodedBytes)} | ${[w, y, l].map(correct).join('/')} |`
    }))
}

// ---- several rounds: spread per system and trace, and the targets' verdicts per round ----

const x2 = v => v === undefined ? '-' : v.toFixed(2) + 'x'
const spread = (vs, fmt) => vs.length === 0 ? '-'
  : `${fmt(median(vs))} (${fmt(Math.min(...vs))}–${fmt(Math.max(...vs))})`
const valuesOf = (records, key) => (records ?? []).map(r => r[key]).filter(v => typeof v === 'number')

/** The targets of issue 15 that are ratios Weft / diamond-types-node on a sequential trace, each ≤ 1. */
const targets = [
  ['replay, per-patch updates', 'replayMs', 'replayMs'],
  ['replay, no updates', 'replayNoUpdateMs', 'replayMs'],
  ['load', 'loadMs', 'loadMs'],
  ['encoded state', 'encodedBytes', 'encodedBytes']
]

/** Per round where both Weft and dt report a figure: Weft's figure / dt's. */
function roundRatios (tools, weftKey, dtKey) {
  const dtByRound = new Map((tools.get('dt') ?? []).map(r => [r.round ?? 1, r[dtKey]]))
  return (tools.get('weft') ?? []).map(r => ratio(r[weftKey], dtByRound.get(r.round ?? 1))).filter(v => v !== undefined)
}

/** met: ≤ 1 in every round; missed: > 1 in every round; mixed: how many of the rounds were ≤ 1. */
function verdict (ratios) {
  const within = ratios.filter(v => v <= 1).length
  const of = ratios.length < rounds ? ` (${ratios.length} of ${rounds} rounds measured)` : ''
  if (ratios.length === 0) return '-'
  return (within === ratios.length ? 'met' : within === 0 ? 'missed' : `mixed: ${within} of ${ratios.length} rounds <= 1`) + of
}

function roundTables () {
  const metrics = s => s.merge
    ? [['merge ms', 'mergeMs', ms], ['replay ms', 'replayMs', ms], ['load ms', 'loadMs', ms], ['state B', 'encodedBytes', num]]
    : [['replay ms', 'replayMs', ms], ['replay ms, no updates', 'replayNoUpdateMs', ms], ['load ms', 'loadMs', ms], ['state B', 'encodedBytes', num]]
  for (const merge of [false, true]) {
    const group = summary.filter(s => s.merge === merge)
    if (group.length === 0) continue
    table(`Rounds (${rounds}), ${merge ? 'concurrent' : 'sequential'} traces: per system, median across the rounds of the per-round medians (min–max of the rounds):`,
      `trace | system | ${metrics(group[0]).map(([label]) => label).join(' | ')} | correct rounds`,
      group.flatMap(s => [...roundsOf.get(s.name)].filter(([tool]) => tool !== 'reader').map(([tool, records]) =>
        `| ${s.name} | ${tool} | ${metrics(s).map(([, key, fmt]) => spread(valuesOf(records, key), fmt)).join(' | ')} | ` +
        `${records.filter(r => r.ok && !r.error).length} of ${records.length} |`)))
  }
  const seq = summary.filter(s => !s.merge && roundsOf.get(s.name).has('dt'))
  if (seq.length === 0) return
  table(`Targets against diamond-types-node over ${rounds} rounds: per-round ratio Weft / dt, median (min–max), verdict (met: <= 1 in every round; missed: > 1 in every round):`,
    `trace | ${targets.map(([label]) => label).join(' | ')}`,
    seq.map(s => `| ${s.name} | ${targets.map(([, wk, dk]) => {
      const rs = roundRatios(roundsOf.get(s.name), wk, dk)
      return rs.length === 0 ? '-' : `${spread(rs, x2)} ${verdict(rs)}`
    }).join(' | ')} |`))
  out.push('', 'Per-round ratios Weft / dt (round 1, 2, ...):')
  for (const s of seq) {
    for (const [label, wk, dk] of targets) out.push(`  ${s.name}, ${label}: ${roundRatios(roundsOf.get(s.name), wk, dk).map(v => v.toFixed(2)).join(' ')}`)
  }
}

if (rounds > 1) roundTables()
console.log(out.join('\n'))

if (logFile) {
  const lines = summary.map(s => `${now} ${s.name}: ` + (s.merge
    ? `weft merge ${ms(s.w.mergeMs)} ms vs yjs ${ms(s.y.mergeMs)} ms (${x(s.e.mergeWeftYjs)}), weft replay ${ms(s.w.replayMs)} ms, load ${ms(s.w.loadMs)} ms, ${num(s.w.encodedBytes)} B, heap ${num(s.w.retainedHeapBytes)} B, converged ${s.w.converged}, correct ${yes(s.w.tool ? s.w : undefined)}`
    : `floor ${ms(s.fl?.replayMs)} ms, weft replay ${ms(s.w.replayMs)} ms (${x(s.e.weftFloor)} floor), yjs ${ms(s.y.replayMs)} ms (${x(s.e.yjsWeft)}), remote ${ms(s.w.remoteApplyMs)} ms (${x(s.e.remoteReplay)}), load ${ms(s.w.loadMs)} ms, ${num(s.w.encodedBytes)} B (yjs ${num(s.y.encodedBytes)}), heap ${num(s.w.retainedHeapBytes)} B, correct ${yes(s.w.tool ? s.w : undefined)}`))
  appendFileSync(logFile, lines.join('\n') + `\n  (${machine})\n`)
}
