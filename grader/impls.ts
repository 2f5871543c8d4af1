// Checks an --impl directory before any work starts, so a missing or malformed implementation is
// one line naming what is wrong (exit status 2) instead of a failure in every run. A directory of
// TypeScript sources outside the build (a learner's, made by npm run new-lab) is type-checked and
// compiled first; --reference swaps some of its layers for the reference implementation's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkImplementationDir,
  DEFAULT_IMPL_DIR,
  resolveImplDir,
  type LayerName,
} from '../harness/impl';
import { LAYERS } from '../harness/layers';
import { UsageError } from './select';
import { CompileError, compileLearnerDir, hasLayerSources } from './learner/compile';
import { mixWithReference } from './learner/mix';

/** What each layer must provide, as the hint after a missing export. */
function contractHint(layer: LayerName): string {
  const d = LAYERS[layer];
  return `${layer}/index.js must export ${d.signature} (${d.contract})`;
}

/**
 * Returns the compiled directory to load, or throws a UsageError naming the problem (a
 * CompileError with the type errors, for a learner's directory that does not type-check).
 */
export function checkImpl(
  arg: string,
  layers: LayerName[],
  reference: readonly LayerName[] = [],
): string {
  const dir = prepareImpl(arg, reference);
  const problem = checkImplementationDir(dir, layers);
  if (problem) {
    const hint =
      problem.kind === 'missing-dir'
        ? '; --impl takes a directory laid out like src/ (raft/, kvraft/, ...), e.g. --impl src'
        : problem.kind === 'missing-export' && problem.layer
          ? `; ${contractHint(problem.layer)}`
          : '';
    throw new UsageError(`bad --impl ${arg}: ${problem.message}${hint}`);
  }
  return dir;
}

/** A folder of TypeScript sources outside the project's build (a learner's): --reference applies. */
export function isLearnerDir(arg: string): boolean {
  const abs = path.resolve(arg);
  return fs.existsSync(abs) && hasLayerSources(abs) && resolveImplDir(abs) === abs;
}

/** The directory to load for --impl arg: a compiled twin under dist/, a compiled learner's directory, or arg itself. */
export function prepareImpl(arg: string, reference: readonly LayerName[] = []): string {
  const abs = path.resolve(arg);
  if (!fs.existsSync(abs)) return abs;
  const twin = resolveImplDir(abs);
  // Sources the project's build does not compile (or that must be mixed with the reference).
  const learner = hasLayerSources(abs) && (twin === abs || reference.length > 0);
  if (!learner) {
    if (reference.length > 0)
      throw new UsageError(
        `--reference needs --impl to name a directory of TypeScript sources (raft/*.ts, ...), such as one made by npm run new-lab; ${arg} has none`,
      );
    return twin;
  }
  try {
    const compiled = compileLearnerDir(abs);
    if (reference.length === 0) return compiled.dir;
    if (!fs.existsSync(DEFAULT_IMPL_DIR))
      throw new Error('this edition has no reference implementation to take layers from');
    return mixWithReference(compiled, reference, DEFAULT_IMPL_DIR);
  } catch (error) {
    if (error instanceof CompileError) throw error;
    throw new UsageError(`bad --impl ${arg}: ${(error as Error).message}`);
  }
}

/** "raft: reference, kvraft: yours": where each layer a run uses comes from. */
export function describeLayers(
  layers: readonly LayerName[],
  reference: readonly LayerName[],
): string {
  return layers.map((l) => `${l}: ${reference.includes(l) ? 'reference' : 'yours'}`).join(', ');
}
