// The layers an implementation is made of, in dependency order (a layer may import the ones before
// it, through their index). One entry per layer: the folder, the factories its index must export
// and the contract that types them. The grader, the learner compiler, --reference and the part
// registry (labs/parts.ts) all read this table; a new layer is one entry here plus its contract.

export interface LayerDescription {
  /** Functions the layer's index.js must export. */
  readonly exports: readonly string[];
  /** The contract file that types those exports (what an error message points at). */
  readonly contract: string;
  /** How the factories are called, for the message when one is missing. */
  readonly signature: string;
}

export const LAYERS = {
  raft: {
    exports: ['makeRaft'],
    contract: 'harness/contracts/raft.ts',
    signature: 'makeRaft(peers, me, persister, applySink, runtime)',
  },
  kvraft: {
    exports: ['makeKVServer', 'makeClerk'],
    contract: 'harness/contracts/kvraft.ts',
    signature: 'makeKVServer() and makeClerk()',
  },
  shardctrler: {
    exports: ['makeShardCtrler', 'makeClerk'],
    contract: 'harness/contracts/shardctrler.ts',
    signature: 'makeShardCtrler() and makeClerk()',
  },
  shardkv: {
    exports: ['makeShardKV', 'makeClerk'],
    contract: 'harness/contracts/shardkv.ts',
    signature: 'makeShardKV() and makeClerk()',
  },
  // The 2026 edition's lab 2 (labs/e2026/).
  kvsrv: {
    exports: ['makeKVServer', 'makeClerk'],
    contract: 'harness/contracts/kvsrv.ts',
    signature: 'makeKVServer(runtime) and makeClerk(server, runtime)',
  },
  lock: {
    exports: ['makeLock'],
    contract: 'harness/contracts/lock.ts',
    signature: 'makeLock(ck, name, runtime)',
  },
  // The 2026 edition's lab 4 (labs/e2026/lab4/).
  rsm: {
    exports: ['makeRSM'],
    contract: 'harness/contracts/rsm.ts',
    signature: 'makeRSM(servers, me, persister, maxraftstate, sm, runtime)',
  },
  kvraft1: {
    exports: ['makeKVServer', 'makeClerk'],
    contract: 'harness/contracts/kvraft1.ts',
    signature:
      'makeKVServer(servers, me, persister, maxraftstate, runtime) and makeClerk(servers, runtime)',
  },
  // The 2026 edition's lab 5 (labs/e2026/lab5/).
  shardkv1: {
    exports: ['makeShardGrp', 'makeShardCtrler', 'makeClerk'],
    contract: 'harness/contracts/shardkv1.ts',
    signature:
      'makeShardGrp(servers, gid, me, persister, maxraftstate, runtime), makeShardCtrler(kvsrv, makeEnd, runtime) and makeClerk(sck, makeEnd, runtime)',
  },
} as const satisfies Record<string, LayerDescription>;

export type LayerName = keyof typeof LAYERS;

/** Every layer, in dependency order. */
export const LAYER_NAMES = Object.keys(LAYERS) as LayerName[];

export function isLayerName(name: string): name is LayerName {
  return Object.hasOwn(LAYERS, name);
}

/** Sorts layers into dependency order, without duplicates. */
export function inLayerOrder(layers: Iterable<LayerName>): LayerName[] {
  const set = new Set(layers);
  return LAYER_NAMES.filter((l) => set.has(l));
}
