// --reference LAYER[,LAYER]: a learner's compiled layers with some layers taken from the reference
// implementation instead, e.g. their key/value service on the reference Raft. The mix is a copy of
// the learner's compiled folder in which each referenced layer is a one-line module re-exporting
// the reference's, so the learner's `import { makeRaft } from '../raft'` gets the reference Raft.
// (A referenced layer brings its own reference lower layers: the reference kvraft runs on the
// reference Raft.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inLayerOrder, isLayerName, LAYER_NAMES, type LayerName } from '../../harness/layers';
import type { Compiled } from './compile';
import { UsageError } from '../select';
import { contentKey, publish, pruneSuperseded, reuse, scratchDir } from './publish';

/** Written into a mix: the folders whose modules a worker must also load afresh for every run. */
export const MIX_MANIFEST = 'dslab-mix.json';

interface Manifest {
  reference: Partial<Record<LayerName, string>>;
}

/** Parses "raft" or "raft,shardctrler" (repeatable); "none": no layer (sets dslab.json's aside). */
export function parseLayers(text: string): LayerName[] {
  if (text.trim() === 'none') return [];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !isLayerName(n));
  if (bad.length > 0 || names.length === 0)
    throw new UsageError(
      `bad --reference "${text}": give layers separated by commas, from ${LAYER_NAMES.join(', ')} (or none)`,
    );
  return names as LayerName[];
}

/**
 * The mix of `compiled` with `reference` layers from `referenceDir` (compiled, laid out like src/):
 * its directory. A mix is keyed by what it is made of and built beside the others, then renamed
 * into place (publish.ts): an unchanged one is used as it is, and a grader never sees another's
 * mix half-built or deleted.
 */
export function mixWithReference(
  compiled: Compiled,
  reference: readonly LayerName[],
  referenceDir: string,
): string {
  const layers = inLayerOrder(reference);
  const prefix = `mix-${layers.join('+')}-`;
  // The compiled folder is itself keyed by the learner's sources.
  const glue = layers.map((l) => glueText(l, path.join(referenceDir, l)));
  const key = contentKey(compiled.dir, ...glue);
  const mixRoot = path.join(compiled.cacheDir, prefix + key);
  const mixDir = path.join(mixRoot, compiled.relative);
  if (reuse(mixRoot)) return mixDir;
  // Same depth below the cache folder as the compiled output: the copied source maps' relative
  // paths to the learner's .ts files stay right.
  const scratch = scratchDir(compiled.cacheDir);
  try {
    buildMix(compiled, layers, referenceDir, path.join(scratch, compiled.relative));
    fs.copyFileSync(path.join(compiled.build, 'package.json'), path.join(scratch, 'package.json'));
    publish(scratch, mixRoot);
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  pruneSuperseded(compiled.cacheDir, (name) => name.startsWith(prefix), [mixRoot]);
  return mixDir;
}

/** Writes into mixDir the learner's compiled folder with each of `layers` re-exporting the reference's. */
function buildMix(
  compiled: Compiled,
  layers: readonly LayerName[],
  referenceDir: string,
  mixDir: string,
): void {
  fs.mkdirSync(mixDir, { recursive: true });
  fs.cpSync(compiled.dir, mixDir, {
    recursive: true,
    filter: (src) => !layers.some((l) => src === path.join(compiled.dir, l)),
  });
  const manifest: Manifest = { reference: {} };
  for (const layer of layers) {
    const target = path.join(referenceDir, layer);
    if (!fs.existsSync(path.join(target, 'index.js')))
      throw new Error(
        `the reference implementation has no compiled ${layer} layer (${target}): run npm run build`,
      );
    fs.mkdirSync(path.join(mixDir, layer));
    fs.writeFileSync(path.join(mixDir, layer, 'index.js'), glueText(layer, target));
    manifest.reference[layer] = target;
  }
  fs.writeFileSync(path.join(mixDir, MIX_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The module a mix puts in place of a referenced layer: a re-export of the reference's. */
function glueText(layer: LayerName, target: string): string {
  return `// --reference ${layer}: the reference implementation's layer.\nmodule.exports = require(${JSON.stringify(target)});\n`;
}

/**
 * A mix's generated modules and their text as written: they hold no state (the reference they
 * re-export is checked as part of the implementation), and they are not the learner's code.
 */
export function mixGlue(implDir: string): Map<string, string> {
  const glue = new Map<string, string>();
  const file = path.join(implDir, MIX_MANIFEST);
  if (!fs.existsSync(file)) return glue;
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  for (const [layer, target] of Object.entries(manifest.reference))
    glue.set(path.join(implDir, layer, 'index.js'), glueText(layer as LayerName, target));
  return glue;
}

/**
 * The folders whose modules make up an implementation: itself, and for a mix the reference layers
 * it points to (a worker drops them all from the module cache between runs).
 */
export function implementationRoots(implDir: string): string[] {
  const file = path.join(implDir, MIX_MANIFEST);
  if (!fs.existsSync(file)) return [implDir];
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  // The whole reference folder: a referenced kvraft loads the reference raft beside it.
  const referenceRoots = Object.values(manifest.reference).map((dir) => path.dirname(dir));
  return [implDir, ...new Set(referenceRoots)];
}
