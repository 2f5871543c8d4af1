// Loads the implementation under test: a directory with the same module layout as src/
// (raft/, kvraft/, shardctrler/, shardkv/), compiled to JavaScript. Fixtures get their layers
// from here and nowhere else, so `--impl DIR` swaps in another implementation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RaftModule } from './contracts/raft';
import { LAYERS, type LayerName } from './layers';
import { sandboxRefusal } from './refusal';

/** The compiled reference implementation (dist/src). */
export const DEFAULT_IMPL_DIR = path.resolve(__dirname, '..', 'src');
const DIST_ROOT = path.resolve(__dirname, '..');
const PROJECT_ROOT = path.resolve(DIST_ROOT, '..');

/**
 * Maps a source directory of this project (src, impls/raft-no-persist-votedfor, ...) to its compiled
 * twin under dist/; any other directory is taken as already compiled.
 */
export function resolveImplDir(dir: string): string {
  const abs = path.resolve(dir);
  const rel = path.relative(PROJECT_ROOT, abs);
  // node_modules holds compiled learners' folders (the grader's cache), which have no twin.
  const inProject =
    !rel.startsWith('..') &&
    !path.isAbsolute(rel) &&
    !rel.startsWith('dist') &&
    !rel.startsWith('node_modules');
  if (inProject) {
    const compiled = path.join(DIST_ROOT, rel);
    if (fs.existsSync(compiled)) return compiled;
  }
  return abs;
}

export type { LayerName } from './layers';

/** What is wrong with an implementation directory, as a value (grader/impls.ts adds a hint per kind). */
export type ImplementationProblem =
  'missing-dir' | 'missing-entry' | 'missing-export' | 'load-failed';

export class ImplementationError extends Error {
  override name = 'ImplementationError';

  constructor(
    readonly kind: ImplementationProblem,
    readonly layer: LayerName | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class Implementation {
  private readonly cache = new Map<LayerName, unknown>();

  readonly dir: string;

  constructor(dir: string = DEFAULT_IMPL_DIR) {
    this.dir = resolveImplDir(dir);
  }

  /** The named layer's module, checked for its required exports. */
  layer<T>(name: LayerName): T {
    const cached = this.cache.get(name);
    if (cached) return cached as T;
    const dir = path.join(this.dir, name);
    const entry = ['index.js', 'index.cjs']
      .map((f) => path.join(dir, f))
      .find((f) => fs.existsSync(f));
    if (!entry) {
      throw new ImplementationError(
        'missing-entry',
        name,
        `implementation ${this.dir} has no ${name}/index.js: compile it first (npm run build) or point --impl at its compiled directory`,
      );
    }
    const mod = require(entry) as Record<string, unknown>;
    const missing = LAYERS[name].exports.filter((e) => typeof mod[e] !== 'function');
    if (missing.length > 0) {
      throw new ImplementationError(
        'missing-export',
        name,
        `implementation ${entry} does not export ${missing.map((m) => `${m}()`).join(', ')}`,
      );
    }
    const named: Record<string, unknown> = { ...mod };
    for (const e of LAYERS[name].exports)
      named[e] = namingFactory(e, mod[e] as (...args: unknown[]) => unknown);
    this.cache.set(name, named);
    return named as T;
  }

  get raft(): RaftModule {
    return this.layer<RaftModule>('raft');
  }
}

/**
 * A factory whose exceptions name what was being made: "makeRaft() for server 2 threw: ..." (the
 * stack, pointing into the implementation, is kept), instead of a bare TypeError from the test.
 */
function namingFactory(
  fn: string,
  make: (...args: unknown[]) => unknown,
): (...args: unknown[]) => unknown {
  return (...args) => {
    try {
      return asNode(args[args.length - 1], () => make(...args));
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      const last = args[args.length - 1] as { name?: unknown } | undefined;
      const who =
        typeof args[1] === 'number'
          ? ` for server ${args[1]}`
          : typeof last?.name === 'string'
            ? ` on node ${last.name}`
            : '';
      const before = e.message;
      e.message = `${fn}()${who} threw: ${before}`;
      if (e.stack) e.stack = e.stack.replace(before, e.message);
      throw e;
    }
  };
}

/** A node's runtime as the simulator makes it: it can run code as its node. */
interface NodeLike {
  name: string;
  sim: { runAs<R>(name: string, fn: () => R): R };
}

/**
 * Runs a factory as code of the node whose runtime it is given (its last argument), so that what
 * a constructor prints is that node's console output (its column in --columns), not the test's.
 */
function asNode<R>(runtime: unknown, make: () => R): R {
  const rt = runtime as Partial<NodeLike> | undefined;
  return typeof rt?.name === 'string' && typeof rt.sim?.runAs === 'function'
    ? rt.sim.runAs(rt.name, make)
    : make();
}

/** Checks that a directory looks like an implementation; returns what is wrong, or undefined. */
export function checkImplementationDir(
  dir: string,
  layers: LayerName[],
): ImplementationError | undefined {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    return new ImplementationError(
      'missing-dir',
      undefined,
      `implementation directory ${dir} does not exist`,
    );
  const impl = new Implementation(dir);
  for (const layer of layers) {
    try {
      impl.layer(layer);
    } catch (error) {
      if (error instanceof ImplementationError) return error;
      const refusal = sandboxRefusal(error);
      const message = (error as Error).message;
      return new ImplementationError(
        'load-failed',
        layer,
        refusal ? `${message}: ${refusal}` : message,
      );
    }
  }
  return undefined;
}
