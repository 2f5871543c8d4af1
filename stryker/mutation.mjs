// npm run mutation -- LAYER [stryker options]: mutation testing of one layer of the reference
// (raft, kvraft, shardctrler, shardkv) with StrykerJS, configured by stryker.conf.mjs. Options after
// the layer go to `stryker run` as they are, e.g. a sample of one file and a fresh start:
//   npm run mutation -- raft --mutate src/raft/rules.ts --force
// Reports: reports/mutation/LAYER/index.html (and mutation.json), the judge's line per mutant in
// judge.log; incremental results in reports/mutation/LAYER/stryker-incremental.json, so a rerun
// tests only the mutants whose code changed (after changing the tests, the oracles or the judge,
// add --force: the command runner cannot tell Stryker which tests a mutant's result depends on).
// Not part of npm test or CI: a whole layer takes hours.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYERS, layerOrExit, reportsDir } from './layers.mjs';

const [name, ...rest] = process.argv.slice(2);
if (!name || name.startsWith('-')) {
  process.stderr.write(
    `usage: npm run mutation -- ${Object.keys(LAYERS).join('|')} [stryker run options]\n`,
  );
  process.exit(2);
}
layerOrExit(name);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The judge's verdict on every mutant it runs, one line each (stryker/judge.mjs), from this run.
const log = path.join(reportsDir(name), 'judge.log');
fs.mkdirSync(path.dirname(log), { recursive: true });
fs.writeFileSync(log, '');
const stryker = path.join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const run = spawnSync(process.execPath, [stryker, 'run', 'stryker.conf.mjs', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DSLAB_MUTATION_LAYER: name, DSLAB_MUTATION_LOG: log },
});
process.exit(run.status ?? 1);
