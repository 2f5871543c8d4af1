// Where the real time of a run goes: V8's sampling CPU profiler (node:inspector) around a body,
// with self time summed into the project's layers, so a benchmark can say what to make faster
// instead of only how long it took.
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Layers in the order they are tried; the first whose test matches a frame takes its self time. */
const LAYERS: [name: string, test: (fn: string, url: string) => boolean][] = [
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['idle, event loop', (fn) => fn === '(idle)' || fn === '(program)'],
  ['MessagePack encode/decode (library)', (_, url) => url.includes('@msgpack/msgpack')],
  ['codec: checks, writer, copies (engine/codec)', (_, url) => url.includes('/engine/codec/')],
  ['persister copies (engine/persister)', (_, url) => url.includes('/engine/persister/')],
  ['simulator, trace (engine/sim)', (_, url) => url.includes('/engine/sim/')],
  ['network (engine/rpc)', (_, url) => url.includes('/engine/rpc/')],
  ['linearizability checker', (_, url) => url.includes('/checker/')],
  [
    'test fixtures and suites (labs, harness)',
    (_, url) => url.includes('/harness/') || url.includes('/labs/'),
  ],
  ['Raft (src/raft or the graded impl)', (_, url) => /\/(src|impls\/[^/]+)\/raft\//.test(url)],
  [
    'key/value service (src/kvraft or the graded impl)',
    (_, url) => /\/(src|impls\/[^/]+)\/kvraft\//.test(url),
  ],
  // Promise jobs and event-loop turns: what running on promises costs, in whichever layer.
  ['promise jobs (runMicrotasks)', (fn) => fn === 'runMicrotasks'],
  [
    'immediates and timers (node:timers)',
    (_, url) => url === 'node:internal/timers' || url === 'node:timers',
  ],
  ['Node.js internals, native built-ins', (_, url) => url.startsWith('node:') || url === ''],
];

export interface LayerTime {
  layer: string;
  ms: number;
  share: number;
}

/** Runs `body` under the CPU profiler; returns its result and the self time per layer, largest first. */
export async function profileLayers<T>(
  body: () => Promise<T>,
): Promise<{ result: T; layers: LayerTime[]; totalMs: number }> {
  const session = new Session();
  session.connect();
  let stopped: { profile: CpuProfile };
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    let result: T;
    try {
      result = await body();
    } finally {
      // Stopped even when the body throws, so the session never keeps sampling.
      stopped = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    }
    return { result, ...sumByLayer(stopped.profile) };
  } finally {
    session.disconnect();
  }
}

function sumByLayer(profile: CpuProfile): { layers: LayerTime[]; totalMs: number } {
  const layerOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url } = node.callFrame;
    layerOf.set(node.id, LAYERS.find(([, test]) => test(functionName, url))?.[0] ?? 'other');
  }
  // Stopping the profiler is sampled too (tens of ms, under node:inspector's post): not the body's.
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const profilerOwn = new Set<number>();
  const markOwn = (id: number): void => {
    profilerOwn.add(id);
    for (const child of byId.get(id)?.children ?? []) markOwn(child);
  };
  for (const node of profile.nodes) if (node.callFrame.url === 'node:inspector') markOwn(node.id);
  const micros = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (profilerOwn.has(id)) return;
    const layer = layerOf.get(id) ?? 'other';
    micros.set(layer, (micros.get(layer) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...micros.values()].reduce((a, b) => a + b, 0);
  const layers = [...micros]
    .map(([layer, us]) => ({ layer, ms: us / 1000, share: total > 0 ? us / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
  return { layers, totalMs: total / 1000 };
}
