// `grade replay` in the box (sandbox.ts): the grader compiles and loads-checks the implementation
// as grade does, then runs this file as a child process under Node's permission model with the
// replay's options, the same read list as a grade worker's and nothing writable but its scratch
// folder. The child prints the replay as it goes (the terminal is shared); a run viewer (--html) is
// written in the scratch folder and moved to where it was asked for when the child is done.
// Threads are allowed (--allow-worker) because the replay's watchdog is one (watchdog.ts); its
// probe of a hung line needs the inspector, which the box denies, so a boxed hung replay says
// where the trace stops but not the line (grade's report names it).
// The child is an entry point: source maps first, before the engine's modules load.
import './source-maps';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerName } from '../harness/impl';
import type { TraceKind } from '../engine/sim/trace';
import { checkImplBoxed } from './roster/probe';
import { makeScratchDir, removeScratchDir, sandboxEnv, sandboxExecArgv } from './sandbox';
import { UsageError } from './select';
import { replay, type ReplayOptions } from './replay';

/** The options of the boxed replay, in the child's environment (JSON). */
const OPTIONS_ENV = 'DSLAB_BOXED_REPLAY';
/** What the parent passes on from its own environment: how to show colours, and where. */
const DISPLAY_ENV = ['TERM', 'COLORTERM', 'FORCE_COLOR', 'NO_COLOR', 'COLUMNS', 'CI'];

/** ReplayOptions as JSON carries them (sets as arrays), with the compiled implementation. */
interface Carried extends Omit<ReplayOptions, 'only' | 'topics' | 'nodes'> {
  implDir: string;
  only?: TraceKind[];
  topics?: string[];
  nodes?: string[];
  viewerWriteTo?: string;
}

/**
 * Replays in a boxed child process; returns its exit status. A child the watchdog killed ends this
 * process with the same signal, as an unboxed replay would have ended.
 */
export async function replayInBox(
  options: ReplayOptions,
  layers: LayerName[],
  viewerFile: string | undefined,
): Promise<number> {
  const implDir = checkImplBoxed(options.implArg, layers, options.reference ?? [], 1024);
  const scratchDir = makeScratchDir();
  const viewerWriteTo = viewerFile ? path.join(scratchDir, path.basename(viewerFile)) : undefined;
  const { only, topics, nodes, ...rest } = options;
  const carried: Carried = {
    ...rest,
    implDir,
    ...(only ? { only: [...only] } : {}),
    ...(topics ? { topics: [...topics] } : {}),
    ...(nodes ? { nodes: [...nodes] } : {}),
    ...(viewerWriteTo ? { viewerWriteTo } : {}),
  };
  const scope = { implDir, writeDirs: [], scratchDir };
  const env = sandboxEnv(scope);
  for (const name of DISPLAY_ENV)
    if (process.env[name] !== undefined) env[name] = process.env[name];
  env[OPTIONS_ENV] = JSON.stringify(carried);
  const child = spawn(
    process.execPath,
    [
      ...sandboxExecArgv(scope),
      '--allow-worker',
      // Its warning on stderr would land in the run's trace (console output), and change the fingerprint.
      '--disable-warning=SecurityWarning',
      __filename,
    ],
    {
      env,
      stdio: 'inherit',
    },
  );
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal })),
  );
  if (viewerFile && viewerWriteTo && fs.existsSync(viewerWriteTo)) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(viewerFile)), { recursive: true });
      fs.copyFileSync(viewerWriteTo, viewerFile);
      fs.rmSync(viewerWriteTo);
    } catch (error) {
      throw new UsageError(
        `cannot write --html ${viewerFile}: ${(error as Error).message}; the viewer is in ${viewerWriteTo}`,
      );
    }
  }
  removeScratchDir(scratchDir);
  if (ended.signal) process.kill(process.pid, ended.signal);
  return ended.code ?? 1;
}

/** The child: the replay, from the options its parent put in its environment. */
async function childMain(): Promise<void> {
  const c = JSON.parse(process.env[OPTIONS_ENV] ?? '{}') as Carried;
  try {
    const { only, topics, nodes, ...rest } = c;
    process.exitCode = await replay({
      ...rest,
      ...(only ? { only: new Set(only) } : {}),
      ...(topics ? { topics: new Set(topics) } : {}),
      ...(nodes ? { nodes: new Set(nodes) } : {}),
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`grade: ${error.message}\n`);
    process.exitCode = 2;
  }
}

if (require.main === module) void childMain();
