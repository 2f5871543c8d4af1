// Runs the compiled grader CLI as a learner would, with the grader's fixture scenarios added to
// the registry (GRADE_EXTRA_SCENARIOS) and plain, colourless output.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../engine/sim/rng';
import type { GradeFile } from '../../grader/results';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'grader', 'cli.js');
export const FIXTURES = path.join(ROOT, 'dist', 'test', 'grader', 'fixtures', 'scenarios.js');

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the grader. Without --impl it grades the project's own default, whatever a learner set up
 * in this checkout: an empty DSLAB_IMPL sets aside both DSLAB_IMPL and dslab.json. A variable given
 * as undefined is removed (DSLAB_IMPL: undefined lets dslab.json choose, as in a learner's shell).
 */
export function start(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    CI: 'true',
    FORCE_COLOR: '0',
    GRADE_EXTRA_SCENARIOS: FIXTURES,
    DSLAB_IMPL: '',
    ...env,
  };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finish(child: ChildProcess, limitMs = 60_000): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `grader did not finish within ${limitMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function grade(
  args: string[],
  env: Record<string, string> = {},
  limitMs?: number,
): Promise<Outcome> {
  return finish(start(args, env), limitMs);
}

export function readResults(file: string): GradeFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as GradeFile;
}

/** The faulty mini Rafts strike on the seeds where peer 0's first random draw is below 1/2. */
export function faultySeed(seed: number): boolean {
  return new Rng(seed, 'node/0/1').float() < 0.5;
}

export function fingerprintOf(stdout: string): string | undefined {
  return /^fingerprint: ([0-9a-f]{16})$/m.exec(stdout)?.[1];
}

/** test/seed -> fingerprint, from a results file. */
export function fingerprints(file: GradeFile): Map<string, string | undefined> {
  return new Map(file.results.map((r) => [`${r.test}/${r.seed}`, r.fingerprint]));
}

/** One run per test on seed 1 with `workers` workers, output in `out`: the staff and roster specs' grade. */
export function oneSeed(out: string, workers = 2): string[] {
  return ['-n', '1', '--seed', '1', '-p', String(workers), '--out', out];
}

/** `dslab roster` of the submissions `subs` on part 2A, one seed, output in `out`. */
export function rosterOf2A(subs: readonly string[], out: string, workers = 2): string[] {
  return ['roster', ...subs, '--parts', '2a', ...oneSeed(out, workers)];
}

/** A roster's gradebook.csv (in `out`): a row per submission, by name, cells by column. */
export function gradebook(out: string): Map<string, Record<string, string>> {
  const [header, ...lines] = fs
    .readFileSync(path.join(out, 'gradebook.csv'), 'utf8')
    .trim()
    .split('\n');
  // Quoted cells hold commas: split outside quotes only.
  const split = (line: string) =>
    (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
      .map((c) => c.replace(/,$/, ''))
      .map((c) => (c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c));
  const names = split(header!);
  const rows = lines.map((l) => Object.fromEntries(split(l).map((v, i) => [names[i]!, v])));
  return new Map(rows.map((row) => [row.name!, row]));
}
