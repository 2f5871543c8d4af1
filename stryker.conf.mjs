// StrykerJS (mutation testing) over one layer of the reference: `npm run mutation -- LAYER`
// (stryker/mutation.mjs) sets DSLAB_MUTATION_LAYER and runs Stryker with this file. Stryker copies
// the project to a sandbox (.stryker-tmp/), puts every mutant of the layer's files into the
// TypeScript sources there at once (mutation switching), builds once (buildCommand), then runs the
// judge once per mutant with that mutant switched on. Not part of npm test or CI: a whole layer
// takes hours (BENCHMARKS.md, "Mutation testing").
import { layerOf } from './stryker/layers.mjs';

const name = process.env.DSLAB_MUTATION_LAYER ?? 'raft';
const layer = layerOf(name);

export default {
  testRunner: 'command',
  // The command runner is built in; ours ignore code no check can see (stryker/ignorers.mjs).
  plugins: ['@stryker-mutator/*', './stryker/ignorers.mjs'],
  ignorers: ['invariants', 'trace-text'],
  commandRunner: { command: `node stryker/judge.mjs ${name}` },
  buildCommand: 'npx tsc -p tsconfig.json',
  mutate: layer.mutate,
  // The sandbox needs the sources and the build's configuration, not old outputs.
  ignorePatterns: ['dist', 'reports', 'out', '.grade-out', 'mylab', '.stryker-rejudge'],
  concurrency: 1,
  // A mutant's grade runs the whole part: give slow (not stuck) mutants room; a stuck run is the
  // grader's watchdog's (stryker/layers.mjs, GRADE.timeoutS) before it is Stryker's timeout.
  timeoutFactor: 3,
  timeoutMS: 60_000,
  dryRunTimeoutMinutes: 10,
  incremental: true,
  incrementalFile: `reports/mutation/${name}/stryker-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
