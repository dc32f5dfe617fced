#!/usr/bin/env python3
"""Which process's GC pauses the slow deliveries of a `load` run follow.

Usage: bench/relay/tail-pauses.py DIR

DIR holds the files `bench/relay/tail.sh` writes: result.json (the load JSON line), samples.txt
(`--samples-out`: "sentNanos receivedNanos" per measured delivery, CLOCK_MONOTONIC), relay-gc.log and gen-gc.log
(`-Xlog:gc,safepoint:file=...:time,uptime` of the relay and of the generator) and offset (CLOCK_REALTIME minus
CLOCK_MONOTONIC in ns, one or more lines, read before and after the run). A pause is a "Pause ..." line's duration
or a safepoint's total; its end is the line's wall-clock time. A generator that pauses stops typing, then sends
what was due in a burst the relay queues, so the deliveries that a pause delays are those sent during it or within
a window after it; the report gives p99 without the deliveries near each process's pauses of 20 ms or more.
"""
import datetime
import json
import sys


def pauses(path, offset):
    """(startMono, endMono, ms) of every GC pause and safepoint in a -Xlog file with the time decoration."""
    out = []
    for line in open(path):
        if not line.startswith('['):
            continue
        stamp = line[1:line.index(']')]
        ms = None
        if ' Pause ' in line and line.rstrip().endswith('ms'):
            ms = float(line.rstrip()[:-2].rsplit(' ', 1)[1])
        elif 'Safepoint "' in line and 'Total: ' in line:
            ms = int(line.split('Total: ')[1].split(' ')[0]) / 1e6
        if ms is None:
            continue
        wall = datetime.datetime.strptime(stamp[:23], '%Y-%m-%dT%H:%M:%S.%f')
        tz = stamp[23:]
        sign = -1 if tz.startswith('-') else 1
        shift = datetime.timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])) * sign if tz else datetime.timedelta()
        end_ns = (wall - shift).replace(tzinfo=datetime.timezone.utc).timestamp() * 1e9 - offset
        out.append((end_ns - ms * 1e6, end_ns, ms))
    return out


def p99(values):
    values = sorted(values)
    return values[int(len(values) * 0.99)] if values else float('nan')


def main(d):
    offsets = [int(x) for x in open(d + '/offset').read().split()]
    offset = sum(offsets) // len(offsets)
    result = json.load(open(d + '/result.json'))
    samples = [tuple(map(int, line.split())) for line in open(d + '/samples.txt')]
    t0, t1 = min(a for a, _ in samples), max(b for _, b in samples)
    relay = [p for p in pauses(d + '/relay-gc.log', offset) if p[1] >= t0 and p[0] <= t1]
    gen = [p for p in pauses(d + '/gen-gc.log', offset) if p[1] >= t0 and p[0] <= t1]
    print('clients %s, updates/s %s, fan-out p99 %s ms, relay CPU %s %%, generator CPU %s %%, errors %s, unacked %s'
          % (result.get('clients'), result.get('updates_per_s'), result.get('fanout_ms_p99'),
             result.get('relay_cpu_percent_avg'), result.get('generator_cpu_percent_avg'), result.get('errors'),
             result.get('unacked_at_end')))
    for name, ps in (('relay', relay), ('generator', gen)):
        big = [p[2] for p in ps if p[2] >= 1]
        print('%s: %d pauses >= 1 ms in the measured window, %.0f ms in all, longest %.1f ms'
              % (name, len(big), sum(big), max(big or [0])))
    lat = [(b - a) / 1e6 for a, b in samples]
    print('deliveries %d, p99 %.1f ms' % (len(lat), p99(lat)))

    def near(a, b, ps, window_ms):
        return any(p[0] < b and a < p[1] + window_ms * 1e6 for p in ps)

    long_relay = [p for p in relay if p[2] >= 20]  # the only pauses near() looks at, chosen once
    long_gen = [p for p in gen if p[2] >= 20]
    for window in (500, 1000):
        for name, ps in (('generator', long_gen), ('relay', long_relay), ('either', long_relay + long_gen)):
            kept = [(b - a) / 1e6 for a, b in samples if not near(a, b, ps, window)]
            print('  without deliveries sent during or <= %d ms after a %s pause >= 20 ms: %d left, p99 %.1f ms'
                  % (window, name, len(kept), p99(kept)))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
