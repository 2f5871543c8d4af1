// The codec's per-message cost, old path and new side by side in one process: an RPC hop as it
// was (validate, encode with @msgpack/msgpack, decode at the other end) against pack() + open()
// (one walk: check, count, copy); a save's encode as it was (validate + library) against the
// one-walk writer. Both paths are still in the codec (the old one takes whatever the fast paths
// do not), so the comparison needs no old build. CPU time, alternating rounds, medians.
import { WireCodec } from '../engine/codec';

/** One codec for every call, reused as a simulator reuses its own. */
const codec = new WireCodec();

export const title = 'Codec: an RPC hop and a save, old path and new';
export const order = 12;

const ROUNDS = 7;
const TARGET_CPU_MS = 60;

function command(i: number): Record<string, unknown> {
  return {
    op: 'Append',
    key: `k${i % 10}`,
    value: `x ${i} y`.padEnd(60, '.'),
    clientId: 'c3f9a1e7',
    seq: i,
  };
}

function entries(n: number, from: number): unknown[] {
  return Array.from({ length: n }, (_, k) => [7, command(from + k)]);
}

const HOPS: [string, unknown][] = [
  [
    'AppendEntries heartbeat (args)',
    { term: 7, leaderId: 2, prevLogIndex: 1200, prevLogTerm: 7, entries: [], leaderCommit: 1199 },
  ],
  [
    'AppendEntries with 10 entries (args)',
    {
      term: 7,
      leaderId: 2,
      prevLogIndex: 1200,
      prevLogTerm: 7,
      entries: entries(10, 1201),
      leaderCommit: 1199,
    },
  ],
  ['AppendEntries reply', { term: 7, success: true, conflictIndex: 0, conflictTerm: -1 }],
  [
    'PutAppend (args)',
    { key: 'k4', value: 'x'.repeat(40), op: 'Append', clientId: 'c3f9a1e7', seq: 812 },
  ],
  [
    'InstallSnapshot with 100 KB (args)',
    {
      term: 7,
      leaderId: 2,
      lastIncludedIndex: 1200,
      lastIncludedTerm: 7,
      data: new Uint8Array(100_000).fill(7),
    },
  ],
];

const store: Record<string, string> = {};
for (let i = 0; i < 1000; i++) store[`k${i}`] = 'v'.repeat(480) + i;
const blocks = Array.from({ length: 20 }, (_, b) => codec.encode(entries(64, b * 64 + 1)));

const SAVES: [string, unknown][] = [
  ['Raft state, 20 encoded blocks of 64 entries', [7, 2, 0, 0, blocks]],
  ['Raft state, 200 entries as values', [7, 2, 0, 0, entries(200, 1)]],
  [
    'key/value snapshot, 1,000 keys of ~500 characters',
    [1200, { store, lastSeq: { c3f9a1e7: 812 } }],
  ],
];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Microseconds of CPU per call of each variant, median of ROUNDS alternating rounds. */
function compare(variants: (() => void)[]): number[] {
  // Enough calls per round for TARGET_CPU_MS of the slowest variant.
  let calls = 1;
  for (;;) {
    const t0 = cpuMs();
    for (const v of variants) for (let i = 0; i < calls; i++) v();
    if (cpuMs() - t0 >= TARGET_CPU_MS) break;
    calls *= 2;
  }
  const samples: number[][] = variants.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    variants.forEach((v, k) => {
      const t0 = cpuMs();
      for (let i = 0; i < calls; i++) v();
      samples[k].push(((cpuMs() - t0) * 1000) / calls);
    });
  }
  return samples.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)]);
}

const us = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

export async function run(): Promise<string> {
  const lines = [
    'Per call, microseconds of CPU (median of 7 alternating rounds); "old" is the path every message took before',
    'the fast paths (validation walk, @msgpack/msgpack encode, decode at the receiver), which the codec still',
    'keeps for what the fast paths do not take. Bytes: the exact length both count (the RPC statistics).',
    '',
    '| RPC hop | bytes | old µs | new µs | new/old |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const [what, value] of HOPS) {
    const bytes = codec.encodeSlowly(value).length;
    if (codec.pack(value).byteLength !== bytes)
      throw new Error(
        `codec bench: pack() counts ${codec.pack(value).byteLength} bytes for ${what}, the library ${bytes}`,
      );
    const [old, now] = compare([
      () => codec.decode(codec.encodeSlowly(value, 'args')),
      () => codec.pack(value, 'args').open(),
    ]);
    lines.push(
      `| ${what} | ${bytes.toLocaleString('en-US')} | ${us(old)} | ${us(now)} | ${(now / old).toFixed(2)} |`,
    );
  }
  lines.push(
    '',
    '| persisted value (encode) | bytes | old µs | new µs | new/old |',
    '|---|---:|---:|---:|---:|',
  );
  for (const [what, value] of SAVES) {
    const bytes = codec.encodeSlowly(value).length;
    if (!Buffer.from(codec.encode(value)).equals(Buffer.from(codec.encodeSlowly(value))))
      throw new Error(`codec bench: the writer's bytes differ from the library's for ${what}`);
    const [old, now] = compare([() => codec.encodeSlowly(value), () => codec.encode(value)]);
    lines.push(
      `| ${what} | ${bytes.toLocaleString('en-US')} | ${us(old)} | ${us(now)} | ${(now / old).toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}
