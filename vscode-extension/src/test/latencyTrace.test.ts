import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it } from 'node:test';
import { LatencyTrace } from '../latencyTrace';

describe('latency trace (WEFT_LATENCY_TRACE)', () => {
  it('is off without the variable or with an empty one', () => {
    assert.equal(LatencyTrace.fromEnv({}), undefined);
    assert.equal(LatencyTrace.fromEnv({ WEFT_LATENCY_TRACE: ' ' }), undefined);
  });

  it('writes one line per event in the server\'s format: wall-clock ms, source, event, file name, length, version', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'weft-trace-')), 'nested');
    const trace = LatencyTrace.fromEnv({ WEFT_LATENCY_TRACE: dir });
    assert.ok(trace !== undefined);
    const before = Date.now();
    trace.mark('change', 'file:///ws/paper/main.tex', 1234, 17);
    trace.mark('sent', 'file:///ws/paper/main.tex', 1234, 17);
    trace.flush();
    const lines = fs.readFileSync(trace.file, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    assert.equal(path.dirname(trace.file), dir);
    assert.deepEqual(lines.map((l) => l.slice(1)), [
      ['exthost', 'change', 'main.tex', '1234', '17'],
      ['exthost', 'sent', 'main.tex', '1234', '17'],
    ]);
    for (const l of lines) {
      assert.ok(Math.abs(Number(l[0]) - before) < 5000, `${l[0]} is a wall-clock time near ${before}`);
    }
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });
});
