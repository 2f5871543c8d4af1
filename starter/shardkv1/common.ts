// Given code (the course's shardcfg): the number of shards, the first group, and which shard a key
// is in. Please use key2shard and do not change it: the tests compute shards the same way.
export const NSHARDS = 12;
export const GID1 = 1;

/** The 32-bit FNV-1a hash of the key's UTF-8 bytes, mod NSHARDS. */
export function key2shard(key: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(key)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % NSHARDS;
}
