// Reads an editing trace (gzipped JSON, shared/traces/README.md) for the Node anchors, with the same checks and
// the same code-point → UTF-16 conversion as the Java reader (dev.weft.bench.trace.TraceReader).
import { readFileSync, statSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { basename } from 'node:path'

/** A file that cannot be replayed: the message names the file and the problem (one line). */
export class TraceFormatError extends Error {}

/** Reads `file` (positions converted to UTF-16 offsets unless `codePoints`) into { name, kind: 'sequential'|'concurrent', endContent, numAgents, txns: [{ parents, agent, patches: [[pos, del, ins]] }] } with UTF-16 positions. */
export function readTrace (file, { codePoints = false } = {}) {
  let bytes
  try {
    if (statSync(file).isDirectory()) throw new TraceFormatError(`${file}: is a directory, not a trace file`)
    bytes = readFileSync(file)
  } catch (e) {
    if (e instanceof TraceFormatError) throw e
    throw new TraceFormatError(e.code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read: ${e.message}`)
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    const start = bytes.length === 0 ? 'nothing: the file is empty' : 'bytes ' + [...bytes.subarray(0, 2)].map(b => b.toString(16).padStart(2, '0')).join(' ')
    throw new TraceFormatError(`${file}: not gzip-compressed (starts with ${start}; a trace file is gzipped JSON starting with 1f 8b)`)
  }
  let text
  try {
    text = gunzipSync(bytes).toString('utf8')
  } catch (e) {
    throw new TraceFormatError(`${file}: corrupt or truncated gzip data: ${e.message}`)
  }
  let json
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new TraceFormatError(`${file}: gzip content is not valid JSON (${e.message.split('\n')[0]})`)
  }
  const bad = (where, what) => new TraceFormatError(`${file}: not an editing trace: at ${where}: ${what}`)
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad('$', 'the top-level value should be an object')
  if (!Array.isArray(json.txns)) throw bad('$', 'no "txns" array (an editing trace has "txns" and "endContent")')
  if (typeof json.endContent !== 'string') throw bad('$', 'no "endContent" string')
  if ((json.startContent ?? '') !== '') throw new TraceFormatError(`${file}: non-empty startContent is not supported`)
  const concurrent = json.kind === 'concurrent'
  if (json.kind !== undefined && !concurrent) throw bad('$.kind', `unknown kind "${json.kind}"`)
  const isCount = v => Number.isInteger(v) && v >= 0
  const conv = concurrent || codePoints ? null : new CodePointConverter()
  const txns = json.txns.map((t, i) => {
    if (t === null || typeof t !== 'object' || !Array.isArray(t.patches)) throw bad(`$.txns[${i}]`, 'a txn needs a "patches" array')
    const patches = t.patches.map((p, j) => {
      const at = `$.txns[${i}].patches[${j}]`
      if (!Array.isArray(p) || p.length !== 3 || !isCount(p[0]) || !isCount(p[1]) || typeof p[2] !== 'string') {
        throw bad(at, 'a patch is [pos, delCount, "text"] with non-negative integers')
      }
      if (conv) {
        try { return conv.convert(p[0], p[1], p[2]) } catch (e) { throw bad(at, e.message) }
      }
      if (concurrent && [...p[2]].length !== p[2].length) throw new TraceFormatError(`${file}: ${at}: characters above U+FFFF in a concurrent trace are not supported`)
      return p
    })
    if (!concurrent) return { parents: i === 0 ? [] : [i - 1], agent: 0, patches }
    if (!Array.isArray(t.parents) || !t.parents.every(p => isCount(p) && p < i)) throw bad(`$.txns[${i}].parents`, 'parents must be earlier txn indexes')
    if (!isCount(t.agent)) throw bad(`$.txns[${i}].agent`, 'agent must be a non-negative integer')
    return { parents: t.parents, agent: t.agent, patches }
  })
  const numAgents = concurrent ? (json.numAgents ?? Math.max(0, ...txns.map(t => t.agent + 1))) : 1
  return { name: basename(file).replace(/(\.json)?(\.gz)?$/, ''), kind: concurrent ? 'concurrent' : 'sequential', endContent: json.endContent, numAgents, txns }
}

/** Follows the supplementary characters of a sequential document to turn code-point positions into UTF-16 offsets. */
class CodePointConverter {
  constructor () { this.astral = []; this.length = 0 }
  toUtf16 (cp) {
    let before = 0
    while (before < this.astral.length && this.astral[before] - before < cp) before++
    return cp + before
  }
  convert (pos, del, ins) {
    if (pos + del > this.length) throw new Error(`patch [${pos}, ${pos + del}) lies outside the document of ${this.length} code points`)
    const cps = [...ins].length
    this.length += cps - del
    if (this.astral.length === 0 && cps === ins.length) return [pos, del, ins]
    const start = this.toUtf16(pos)
    const end = this.toUtf16(pos + del)
    const next = []
    for (const a of this.astral) {
      if (a >= start && a < end) continue
      next.push(a >= end ? a - (end - start) + ins.length : a)
    }
    for (let i = 0; i < ins.length - 1; i++) {
      const c = ins.charCodeAt(i)
      if (c >= 0xd800 && c < 0xdc00) { next.push(start + i); i++ }
    }
    this.astral = next.sort((x, y) => x - y)
    return [start, end - start, ins]
  }
}

export function patchCount (trace) {
  let n = 0
  for (const t of trace.txns) n += t.patches.length
  return n
}
