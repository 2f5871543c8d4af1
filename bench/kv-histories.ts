// Large key/value histories for the checker's benchmark, written in porcupine's EDN log format so
// that both checkers read the same file. Each client runs operations back to back; each takes
// effect at a random instant inside its interval, and gets return what replaying those instants
// in order gives, so the history is linearizable. The "bad" twin changes one get, late in the
// history, to return a value its key held much earlier (a stale read).

export interface KvHistoryShape {
  name: string;
  clients: number;
  perClient: number;
  keys: number;
  seed: number;
}

interface Op {
  process: number;
  f: 'get' | 'put' | 'append';
  key: string;
  value: string;
  call: number;
  at: number;
  ret: number;
  /** For a get: what it returned. */
  out?: string;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(shape: KvHistoryShape): Op[] {
  const random = mulberry32(shape.seed);
  const ops: Op[] = [];
  for (let c = 0; c < shape.clients; c++) {
    let t = Math.floor(random() * 10);
    for (let i = 0; i < shape.perClient; i++) {
      const call = t;
      const at = call + 1 + Math.floor(random() * 20);
      const ret = at + 1 + Math.floor(random() * 20);
      t = ret + 1 + Math.floor(random() * 5); // strictly after: EDN pairs a return with its process's open call
      const x = random();
      const f = x < 0.4 ? 'get' : x < 0.9 ? 'append' : 'put';
      ops.push({
        process: c,
        f,
        key: String(Math.floor(random() * shape.keys)),
        value: `x ${c} ${i} y`,
        call,
        at: at + random() * 0.5,
        ret,
      });
    }
  }
  const store = new Map<string, string>();
  for (const op of [...ops].sort((a, b) => a.at - b.at)) {
    if (op.f === 'get') op.out = store.get(op.key) ?? '';
    else store.set(op.key, op.f === 'put' ? op.value : (store.get(op.key) ?? '') + op.value);
  }
  return ops;
}

/** The stale-read twin: the last get that saw a value gets the value of an earlier get of its key instead. */
function staleRead(ops: Op[]): Op[] {
  const copy = ops.map((op) => ({ ...op }));
  const byTime = [...copy].sort((a, b) => a.ret - b.ret);
  for (let i = byTime.length - 1; i >= 0; i--) {
    const late = byTime[i];
    if (late.f !== 'get' || !late.out) continue;
    const early = byTime.find(
      (op) =>
        op.f === 'get' &&
        op.key === late.key &&
        op.ret < late.call &&
        op.out !== late.out &&
        late.out!.startsWith(op.out ?? ''),
    );
    if (early) {
      late.out = early.out;
      return copy;
    }
  }
  throw new Error('no get to make stale');
}

function edn(ops: Op[]): string {
  const events: { time: number; kind: 0 | 1; line: string }[] = [];
  for (const op of ops) {
    const input = op.f === 'get' ? 'nil' : `"${op.value}"`;
    events.push({
      time: op.call,
      kind: 0,
      line: `{:process ${op.process}, :type :invoke, :f :${op.f}, :key "${op.key}", :value ${input}}`,
    });
    const output = op.f === 'get' ? `"${op.out}"` : `"${op.value}"`;
    events.push({
      time: op.ret,
      kind: 1,
      line: `{:process ${op.process}, :type :ok, :f :${op.f}, :key "${op.key}", :value ${output}}`,
    });
  }
  // Calls before returns at equal times: intervals are closed.
  events.sort((a, b) => a.time - b.time || a.kind - b.kind);
  return events.map((e) => e.line).join('\n') + '\n';
}

/** The linearizable history and its stale-read twin, as EDN text. */
export function kvHistoryPair(shape: KvHistoryShape): { ok: string; bad: string } {
  const ops = generate(shape);
  return { ok: edn(ops), bad: edn(staleRead(ops)) };
}
