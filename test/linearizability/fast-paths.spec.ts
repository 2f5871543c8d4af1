// The checker's start-up fast paths against the plain versions they replace: the EDN line scanner
// against the line pattern, parsing straight into operations against pairing events first, and the
// search's merged entry order against one sort of all calls and returns.
import * as fs from 'node:fs';
import { expect } from 'chai';
import { eventsToOperations, parseHistory, type HistoryEvent, type Operation } from '../../checker';
import { matchKvEdnLine, scanKvEdnLine } from '../../checker/formats';
import { entryOrder } from '../../checker/search';
import { kvFiles, mulberry32, requireFixtures } from './helpers';

/** The plain reading of an EDN log: the pattern on every line, events paired by process, then operations. */
function plainKvEdn(text: string): Operation<unknown, unknown>[] {
  const events: HistoryEvent<unknown, unknown>[] = [];
  const open = new Map<number, number>();
  let id = 0;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    const l = matchKvEdnLine(raw)!;
    if (l.invoke) {
      open.set(l.process, id);
      events.push({
        clientId: l.process,
        kind: 'call',
        id: id++,
        value:
          l.f === 'put' || l.f === 'append'
            ? { op: l.f, key: l.key, value: l.value }
            : { op: l.f, key: l.key },
      });
    } else {
      events.push({
        clientId: l.process,
        kind: 'return',
        id: open.get(l.process)!,
        value: l.f === 'get' ? { value: l.value ?? '' } : {},
      });
      open.delete(l.process);
    }
  }
  return eventsToOperations(events);
}

/** An EDN log of `events` random invokes and completions by `processes` processes (verdicts do not matter here). */
function randomEdn(seed: number, processes: number, events: number): string {
  const random = mulberry32(seed);
  const open = new Map<number, { f: string; key: string }>();
  const lines: string[] = [];
  for (let i = 0; i < events; i++) {
    const p = Math.floor(random() * processes);
    const pending = open.get(p);
    if (pending) {
      const value = pending.f === 'get' ? (random() < 0.3 ? 'nil' : `"v${i}"`) : `"w${i}"`;
      lines.push(
        `{:process ${p}, :type :ok, :f :${pending.f}, :key "${pending.key}", :value ${value}}`,
      );
      open.delete(p);
    } else {
      const f = ['get', 'put', 'append', 'delete'][Math.floor(random() * 4)];
      const key = `k ${Math.floor(random() * 3)}`;
      lines.push(
        `{:process ${p}, :type :invoke, :f :${f}, :key "${key}", :value ${f === 'put' || f === 'append' ? `"x${i}"` : 'nil'}}`,
      );
      open.set(p, { f, key });
    }
  }
  return lines.join('\n') + '\n';
}

describe('linearizability: start-up fast paths', () => {
  it('the EDN scanner reads every line as the pattern does, and leaves other layouts to it', () => {
    requireFixtures();
    const lines = kvFiles().flatMap(({ file }) => fs.readFileSync(file, 'utf8').split('\n'));
    lines.push(
      '{:process 3, :type :invoke, :f :put, :key "a b, :c", :value "x, :value \\"}"}',
      '{:process 12, :type :ok, :f :get, :key "", :value ""}',
      '{:process 0, :type :ok, :f :get, :key "k", :value nil} trailing',
      '  {:process 1, :type :invoke, :f :append, :key "k", :value "v"}',
      'junk {:process 1, :type :ok, :f :append, :key "k", :value "v"}',
      '{:process 1, :type :invoke, :f :get, :key "k", :value nil',
      '{:process 1, :type :fail, :f :get, :key "k", :value nil}',
      '{:process 1, :type :invoke, :f :cas, :key "k", :value nil}',
      '{:process 99999999999999999999, :type :invoke, :f :get, :key "k", :value nil}',
      '{:process , :type :invoke, :f :get, :key "k", :value nil}',
      '{:process 1, :type :invoke, :f :put, :key "k", :value "v"\r',
      '{:process 1, :type :invoke, :f :put, :key "k", :value "v"}\r',
    );
    let scanned = 0;
    for (const line of lines) {
      const fast = scanKvEdnLine(line);
      if (fast === undefined) continue;
      scanned++;
      expect(fast, line).to.deep.equal(matchKvEdnLine(line));
    }
    expect(scanned).to.be.greaterThan(lines.length * 0.9);
    // The pattern still reads what the scanner leaves to it.
    expect(scanKvEdnLine(lines.at(-8)!)).to.equal(undefined);
    expect(matchKvEdnLine(lines.at(-8)!)).to.include({
      process: 1,
      f: 'append',
      value: 'v',
      invoke: false,
    });
  });

  it('parses EDN logs into the operations that pairing events gives', () => {
    requireFixtures();
    const texts = kvFiles().map(({ file }) => fs.readFileSync(file, 'utf8'));
    const random = randomEdn(9, 5, 1000);
    texts.push(random, random.replace(/\n/g, '\r\n'));
    // An operation that never completes stays open.
    texts.push(
      '{:process 0, :type :invoke, :f :put, :key "k", :value "1"}\n{:process 1, :type :invoke, :f :get, :key "k", :value nil}\n{:process 1, :type :ok, :f :get, :key "k", :value "1"}\n',
    );
    for (const text of texts) expect(parseHistory(text).operations).to.deep.equal(plainKvEdn(text));
  });

  it('orders calls and returns as one sort of both would (time, calls first, operation)', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const m = 1 + Math.floor(random() * 40);
      const grain = 1 + Math.floor(random() * 10); // coarse times: many ties
      // Small integer times are sorted as packed keys; fractional and huge ones by comparison.
      const [scale, offset] = [
        [1, 0],
        [0.25, 0],
        [1, 2 ** 31 - 30],
      ][trial % 3];
      const ops = Array.from({ length: m }, () => {
        const call = Math.floor((random() * 50) / grain) * grain * scale + offset;
        const ret =
          random() < 0.15 ? Infinity : call + Math.floor((random() * 30) / grain) * grain * scale;
        return { clientId: 0, input: null, call, output: null, return: ret };
      });
      if (trial % 4 < 2) ops.sort((a, b) => a.call - b.call); // as recorded: by call
      const time = (e: number) => (e < m ? ops[e].call : ops[e - m].return);
      const expected = Array.from({ length: 2 * m }, (_, e) => e).sort(
        (a, b) => time(a) - time(b) || Number(a >= m) - Number(b >= m) || a - b,
      );
      expect(Array.from(entryOrder(ops)), `trial ${trial}`).to.deep.equal(expected);
    }
  });
});
