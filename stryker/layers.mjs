// The layers `npm run mutation -- LAYER` mutates, and the grade that judges each mutant: the parts
// whose tests exercise that layer's code (the reference's own, compiled in Stryker's sandbox).
// Seeds and runs are kept small: every mutant is one such grade.

/** layer -> the files Stryker mutates and the parts the judge grades. */
export const LAYERS = {
  raft: { mutate: ['src/raft/**/*.ts'], parts: 'lab2' },
  kvraft: { mutate: ['src/kvraft/**/*.ts'], parts: 'lab3' },
  shardctrler: { mutate: ['src/shardctrler/**/*.ts'], parts: 'lab4a' },
  shardkv: { mutate: ['src/shardkv/**/*.ts'], parts: 'lab4b' },
};

/** Runs per test and first seed of every mutant's grade (the same for every mutant). */
export const GRADE = { runs: 3, seed: 1, timeoutS: 60 };

export function layerOf(name) {
  const layer = LAYERS[name];
  if (!layer)
    throw new Error(
      `unknown layer "${name}": one of ${Object.keys(LAYERS).join(', ')} (npm run mutation -- raft)`,
    );
  return layer;
}
