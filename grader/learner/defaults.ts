// Which implementation `npm run grade` grades when no --impl is given, so that a learner can make
// their own folder the default once: the environment variable DSLAB_IMPL, else the project-local
// file dslab.json ({ "impl": "mylab", "reference": "raft" }), else the reference (src/), else, in
// the student edition, the starter kit. DSLAB_IMPL set but empty means no learner default at all:
// neither it nor dslab.json (the project's own tests spawn the grader so, whatever a learner set).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../select';
import { PROJECT_ROOT } from './compile';

export const CONFIG_FILE = 'dslab.json';

export interface ImplDefault {
  impl: string;
  /** Layers to take from the reference (dslab.json's "reference"). */
  reference?: string;
  /** Where the choice came from, for the grader's first line ("from dslab.json"); none for src. */
  from?: string;
}

export function defaultImpl(
  env: NodeJS.ProcessEnv = process.env,
  root: string = PROJECT_ROOT,
): ImplDefault {
  if (env.DSLAB_IMPL !== undefined && env.DSLAB_IMPL.trim() === '') return builtIn(root);
  if (env.DSLAB_IMPL) return { impl: env.DSLAB_IMPL, from: 'from DSLAB_IMPL' };
  const file = path.join(root, CONFIG_FILE);
  if (fs.existsSync(file)) {
    let config: unknown;
    try {
      config = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `${file} is not valid JSON (${(error as Error).message}); write e.g. { "impl": "mylab" }`,
      );
    }
    const c = config as { impl?: unknown; reference?: unknown; edition?: unknown };
    // Only an edition (grader/edition.ts reads it): no implementation named here.
    if (c?.impl === undefined && c?.reference === undefined && c?.edition !== undefined)
      return builtIn(root);
    if (
      typeof config !== 'object' ||
      config === null ||
      typeof c.impl !== 'string' ||
      (c.reference !== undefined && typeof c.reference !== 'string')
    ) {
      throw new UsageError(
        `${file} must look like { "impl": "mylab" } or { "impl": "mylab", "reference": "raft" }`,
      );
    }
    // Relative to the project, wherever the grader is started from.
    const impl = path.isAbsolute(c.impl)
      ? c.impl
      : path.relative(process.cwd(), path.join(root, c.impl)) || '.';
    return {
      impl,
      ...(c.reference ? { reference: c.reference } : {}),
      from: `from ${CONFIG_FILE}`,
    };
  }
  return builtIn(root);
}

/**
 * dslab.json's "reference" when an --impl on the command line names dslab.json's own folder (the
 * learner means the same mix as without --impl; `--reference none` sets it aside); else undefined.
 */
export function configReferenceFor(
  implArg: string,
  env: NodeJS.ProcessEnv = process.env,
  root: string = PROJECT_ROOT,
): string | undefined {
  if (env.DSLAB_IMPL !== undefined) return undefined;
  const d = defaultImpl(env, root);
  if (!d.reference || path.resolve(d.impl) !== path.resolve(implArg)) return undefined;
  return d.reference;
}

/** The project's own default: the reference, or in the student edition the starter kit. */
function builtIn(root: string): ImplDefault {
  if (fs.existsSync(path.join(root, 'src'))) return { impl: 'src' };
  return { impl: 'starter', from: 'the starter kit: npm run new-lab makes your own copy' };
}
