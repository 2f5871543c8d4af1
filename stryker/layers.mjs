// The layers `npm run mutation -- LAYER` mutates, and the grade that judges each mutant: the parts
// whose tests exercise that layer's code (the reference's own, compiled in Stryker's sandbox).
// Seeds and runs are kept small: every mutant is one such grade.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The layer named on a command line, or exit 2 with what is wrong (for the npm scripts). */
export function layerOrExit(name) {
  try {
    return layerOf(name);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** The project's folder of reports for a layer: reports/mutation/LAYER. */
export function reportsDir(name) {
  return path.join(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
    'reports',
    'mutation',
    name,
  );
}
