// npm run new-lab [DIR]: copies the starter kit (starter/) to DIR (default mylab/, inside or outside
// the project), refusing to overwrite anything, and prints what to do next. The grader compiles
// DIR itself (npm run grade -- lab2a --impl DIR): nothing else to set up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PARTS, type PartDescription } from '../labs/parts';
import { currentEdition, partsOf } from '../labs/editions';
import { isLayerName } from '../harness/layers';
import { chooseEdition } from '../grader/edition';
import { rewritesLayer, starterTextFor } from './starter-parts';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const STARTER = path.join(PROJECT_ROOT, 'starter');

/** Shell-safe as typed (relative to the project when inside it, as npm run works from there). */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  const text = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
  return /^[\w./@:+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** How dslab.json names dir: relative to the project when inside it. */
function fromProject(dir: string): string {
  const rel = path.relative(PROJECT_ROOT, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
}

/** For the learner's editor only: the grader type-checks with its own settings. */
function editorConfig(dir: string): string {
  const rel = (to: string) =>
    path.relative(dir, path.join(PROJECT_ROOT, to)).split(path.sep).join('/');
  const harness = rel('harness');
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'node20',
      moduleResolution: 'node16',
      lib: ['ES2023'],
      types: ['node'],
      typeRoots: [rel('node_modules/@types')],
      strict: true,
      noEmit: true,
      paths: { 'dslab/harness/*': [`${harness}/*`] },
    },
    include: ['**/*.ts'],
  };
  return `// For your editor only: npm run grade compiles this folder with the same settings on its own.\n${JSON.stringify(config, null, 2)}\n`;
}

export function newLab(arg: string): string[] {
  const dir = path.resolve(arg);
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new Error(
      `${arg} already exists and is not an empty directory: new-lab never overwrites; choose another DIR (npm run new-lab -- DIR) or move it away`,
    );
  }
  if (!fs.existsSync(STARTER))
    throw new Error(
      `the starter kit is missing (${STARTER}): this copy of the project is incomplete`,
    );
  fs.mkdirSync(dir, { recursive: true });
  // The kit holds every edition's layers: copy those the chosen edition's parts load.
  const used = new Set(partsOf(currentEdition()).flatMap((p) => p.layers));
  const wanted = (f: string) => !isLayerName(f) || used.has(f);
  fs.cpSync(STARTER, dir, {
    recursive: true,
    errorOnExist: true,
    force: false,
    filter: (src) => wanted(path.relative(STARTER, src).split(path.sep)[0]),
  });
  nameEditionParts(dir);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), editorConfig(dir));
  const layers = fs
    .readdirSync(STARTER)
    .filter((f) => fs.statSync(path.join(STARTER, f)).isDirectory() && wanted(f));
  const d = shown(dir);
  const created = `Created ${d}/ from the starter kit (${layers.map((l) => `${l}/`).join(', ')}). Next:`;
  if (currentEdition() === '2026') return nextSteps2026(created, d, fromProject(dir));
  return [
    created,
    '',
    `  $EDITOR ${d}/raft/raft.ts                  # write the parts marked "Your code here (2A)"`,
    `  npm run grade -- lab2a --impl ${d}         # type-check, compile and grade part 2A`,
    `  npm run grade -- replay TestInitialElection2A --seed 1 --impl ${d} --trace   # one run, event by event`,
    '',
    `To grade ${d} without --impl: write ${JSON.stringify({ impl: fromProject(dir) })} to dslab.json in the project, or export DSLAB_IMPL=${d}.`,
    `The parts in order: ${partsInOrder()}; see README.md, "The learner's path".`,
  ];
}

/** Rewrites the copied kit's part ids as the current edition names them (tools/starter-parts.ts). */
function nameEditionParts(dir: string): void {
  const edition = currentEdition();
  for (const layer of fs.readdirSync(dir)) {
    if (!rewritesLayer(edition, layer)) continue;
    for (const file of fs.readdirSync(path.join(dir, layer), {
      recursive: true,
      encoding: 'utf8',
    })) {
      const full = path.join(dir, layer, file);
      if (!fs.statSync(full).isFile()) continue;
      const text = fs.readFileSync(full, 'utf8');
      const named = starterTextFor(edition, layer, text);
      if (named !== text) fs.writeFileSync(full, named);
    }
  }
}

/** The 2026 edition's first steps (its lab 2, so far). */
function nextSteps2026(created: string, d: string, impl: string): string[] {
  return [
    created,
    '',
    `  $EDITOR ${d}/kvsrv/server.ts ${d}/kvsrv/client.ts   # write the parts marked "Your code here (2KV)"`,
    `  npm run grade -- --edition 2026 lab2kv --impl ${d}   # type-check, compile and grade part 2KV`,
    `  npm run grade -- --edition 2026 replay TestReliablePut --seed 1 --impl ${d} --trace`,
    '',
    `To grade ${d} without --impl and --edition: write ${JSON.stringify({ impl, edition: '2026' })} to dslab.json in the project.`,
    `The parts in order: ${partsInOrder(partsOf('2026'))}; see README.md, "Editions: 2023 (the default) and 2026".`,
  ];
}

/** `2A 2B 2C 2D (raft/), 3A 3B (kvraft/), ...`: the registry's parts by the layer they are written in. */
function partsInOrder(parts: readonly PartDescription[] = PARTS): string {
  const groups: { layer: string; ids: string[] }[] = [];
  for (const p of parts) {
    const layer = p.writes.map((l) => `${l}/`).join(', ');
    const last = groups.at(-1);
    if (last && last.layer === layer) last.ids.push(p.id);
    else groups.push({ layer, ids: [p.id] });
  }
  return groups.map((g) => `${g.ids.join(' ')} (${g.layer})`).join(', ');
}

function main(): void {
  const argv = [...process.argv];
  try {
    chooseEdition(argv);
  } catch (error) {
    process.stderr.write(`new-lab: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const args = argv.slice(2);
  if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write(
      'usage: npm run new-lab [DIR] [--edition 2026]   (default DIR: mylab; edition: 2023)\n',
    );
    process.exitCode = 2;
    return;
  }
  try {
    for (const line of newLab(args[0] ?? 'mylab')) console.log(line);
  } catch (error) {
    process.stderr.write(`new-lab: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

if (require.main === module) main();
