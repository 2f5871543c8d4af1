// `dslab roster SUBMISSIONS... --parts lab2 -n 50 --seed S --out DIR`: grades many submissions, one
// after another, on the same seeds, and writes a gradebook (DIR/gradebook.csv, .json, .html).
// Each submission's results go to DIR/results/<name>.json with a hash of its content and of the
// grade's parameters: a roster that stopped goes on where it stopped, and an unchanged submission
// is not graded again ("cached"). A submission that cannot be graded (it does not compile, has no
// folder with code, lacks a layer, throws, loops or exhausts memory when loaded) gets its row and
// the reason; it never stops the roster.
import * as fs from 'node:fs';
import * as path from 'node:path';
import chalk from 'chalk';
import { defaultWorkerMemory, plan, silenceFor, type Plan } from '../grade';
import { prepareImpl } from '../impls';
import { CompileError } from '../learner/compile';
import { chooseModules } from '../module-state';
import { checkWritableDir, FORMAT, writeJsonAtomic, type GradeFile } from '../results';
import { layersFor, makeJobs, UsageError } from '../select';
import { runSession, type ImplChoice } from '../session';
import { findSubmissionImpl } from '../gradescope';
import { scoreOf } from '../formats/score';
import { contentHash, listSubmissions, unpack, type Submission } from './submissions';
import { probeImpl } from './probe';
import { verificationText, verifySample } from '../verify';
import { checkDeterminism, determinismText } from '../determinism';
import { graderCodeHash, provenanceOf } from '../code-hash';
import { currentEdition } from '../../labs/editions';
import { writeGradebook, type GradebookEntry } from './gradebook';
import { RunsLine } from './runs-line';

export const ROSTER_FORMAT = 'dslab-roster/1';

export interface RosterOptions {
  submissions: string[];
  parts: string[];
  runs: number;
  seed?: number;
  parallel: number;
  out: string;
  timeoutS: number;
  /** Failing runs per test whose trace is saved under DIR/traces/<name>/. */
  traces: number;
  workerMemoryMb?: number;
  courseOnly?: boolean;
  freshModules?: boolean;
  /** Grade every submission again, cached or not. */
  force?: boolean;
  /** Time limit for loading a submission's modules before its runs (ms). */
  loadTimeoutMs?: number;
  /** Run submissions without the permission model's box (--no-sandbox: for debugging). */
  noSandbox?: boolean;
  /** Passing runs per submission re-run in fresh workers (verify.ts; default 2). */
  verifySample?: number;
  /** Every run a second time in new workers; a different fingerprint fails it (determinism.ts). */
  checkDeterminism?: boolean;
}

/** What decides, with the content, whether a stored result still holds. */
export interface RosterParams {
  parts: string[];
  tests: string[];
  runs: number;
  seed: number;
  timeoutS: number;
  courseOnly: boolean;
  /** Fingerprints (and outcomes) depend on Node's major version. */
  node: string;
  /** The edition whose parts were graded (part ids mean other things in other editions). */
  edition: string;
  /** The grader's own code (code-hash.ts): a changed suite or grader grades everyone again. */
  grader: string;
  /** --check-determinism (absent without it, so that earlier results keep their hashes). */
  checkDeterminism?: true;
}

export type SubmissionStatus = 'passed' | 'failed' | 'compile-error' | 'not-graded' | 'pending';

/** DIR/results/<name>.json. */
export interface SubmissionResult {
  format: typeof ROSTER_FORMAT;
  name: string;
  source: string;
  kind: Submission['kind'];
  hash: string;
  params: RosterParams;
  status: Exclude<SubmissionStatus, 'pending'>;
  /** Why it was not graded (or a remark on how it was). */
  reason?: string;
  /** Type errors, paths inside the submission. */
  typeErrors?: string[];
  /** The folder graded, as replay commands name it (relative to the working directory). */
  impl?: string;
  file?: GradeFile;
  gradedAt: string;
  realMs: number;
}

/** DIR/roster.json: the roster's parameters, so that a later roster without --seed keeps the seed. */
interface RosterState {
  format: typeof ROSTER_FORMAT;
  params: RosterParams;
}

export function resultsFile(out: string, name: string): string {
  return path.join(out, 'results', `${name}.json`);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function shownPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel === '' ? '.' : !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/** Paths under dir as the submission knows them. */
function relativeTo(text: string, dir: string, name: string): string {
  return text
    .split(`${dir}${path.sep}`)
    .join('')
    .split(dir)
    .join(name)
    .split(`${shownPath(dir)}${path.sep}`)
    .join('');
}

export async function roster(o: RosterOptions): Promise<number> {
  const out = path.resolve(o.out);
  checkWritableDir(o.out, '--out');
  const parts = o.parts.flatMap((x) => x.split(',')).filter(Boolean);
  if (parts.length === 0) throw new UsageError('--parts names no part: e.g. --parts lab2a,lab2b');
  // The seed, when not given: the one an earlier roster in DIR used, else a new one (printed).
  const state = readJson<RosterState>(path.join(out, 'roster.json'));
  const earlier = state?.format === ROSTER_FORMAT ? state.params.seed : undefined;
  const p = plan(parts, undefined, o.seed ?? earlier, o.courseOnly ? { courseOnly: true } : {});
  if (p.tests.length === 0) throw new UsageError(`no tests in ${parts.join(' ')}`);
  const subs = listSubmissions(o.submissions, out);
  const params: RosterParams = {
    parts: p.parts,
    tests: p.tests.map((t) => t.name),
    runs: o.runs,
    seed: p.seed,
    timeoutS: o.timeoutS,
    courseOnly: Boolean(o.courseOnly),
    node: process.version.split('.')[0]!,
    edition: currentEdition(),
    grader: graderCodeHash(),
    ...(o.checkDeterminism ? { checkDeterminism: true as const } : {}),
  };
  fs.mkdirSync(path.join(out, 'results'), { recursive: true });
  writeJsonAtomic(path.join(out, 'roster.json'), { format: ROSTER_FORMAT, params });
  const jobs = makeJobs(p.tests, p.seed, o.runs);
  const parallel = Math.max(1, Math.min(o.parallel, jobs.length));
  const memoryMb = o.workerMemoryMb ?? defaultWorkerMemory(parallel);
  const seeds = o.runs === 1 ? `seed ${p.seed}` : `seeds ${p.seed}..${p.seed + o.runs - 1}`;
  const seedFrom =
    o.seed !== undefined ? '' : earlier !== undefined ? ' (the seed of this --out)' : ' (chosen)';
  process.stdout.write(
    `${chalk.bold('roster')}: ${subs.length} submission${subs.length === 1 ? '' : 's'}, ${p.parts.join(' ')}: ${p.tests.length} tests x ${o.runs} runs = ${jobs.length} runs each, ${seeds}${seedFrom} (repeat with --seed ${p.seed}), ${parallel} worker${parallel === 1 ? '' : 's'}, into ${shownPath(out)}\n`,
  );
  for (const n of p.notes) process.stdout.write(`${n}\n`);

  const entries: GradebookEntry[] = subs.map((s) => ({
    submission: s,
    status: 'pending',
    cached: false,
  }));
  const flush = () => writeGradebook(out, p, params, entries);
  let interrupted = false;
  let graded = 0;
  let cached = 0;
  for (const [i, sub] of subs.entries()) {
    const tag = `[${i + 1}/${subs.length}] ${sub.name}`;
    const started = performance.now();
    let result: SubmissionResult | undefined;
    let hash = '';
    const notGraded = (status: 'compile-error' | 'not-graded', reason: string, extra = {}) => {
      result = {
        format: ROSTER_FORMAT,
        name: sub.name,
        source: sub.source,
        kind: sub.kind,
        hash,
        params,
        status,
        reason,
        ...extra,
        gradedAt: new Date().toISOString(),
        realMs: performance.now() - started,
      };
    };
    try {
      unpack(sub);
      hash = contentHash(sub.root, params);
      const stored = readJson<SubmissionResult>(resultsFile(out, sub.name));
      if (!o.force && stored?.format === ROSTER_FORMAT && stored.hash === hash) {
        entries[i] = { submission: sub, status: stored.status, cached: true, result: stored };
        cached++;
        process.stdout.write(`${tag}: cached, ${progressText(stored)}\n`);
        flush();
        continue;
      }
      const found = findSubmissionImpl(sub.root);
      const implArg = shownPath(found.dir);
      let compiled: string;
      try {
        compiled = prepareImpl(found.dir);
      } catch (error) {
        if (!(error instanceof CompileError)) throw error;
        const errors = error.diagnostics.map((d) => relativeTo(d, found.dir, sub.name));
        notGraded(
          'compile-error',
          `does not compile: ${errors.length} type error${errors.length === 1 ? '' : 's'} (first: ${errors[0] ?? '?'})`,
          { typeErrors: errors, impl: implArg },
        );
        throw new Done();
      }
      const probe = probeImpl(compiled, layersFor(p.tests), o.loadTimeoutMs ?? 30_000, memoryMb, {
        sandbox: !o.noSandbox,
      });
      if (!probe.ok) {
        notGraded(
          'not-graded',
          relativeTo(probe.reason.replace(`bad --impl ${compiled}: `, ''), compiled, implArg),
          { impl: implArg },
        );
        throw new Done();
      }
      const modules = chooseModules(compiled, Boolean(o.freshModules));
      const traceDir = path.join(out, 'traces', sub.name);
      fs.rmSync(traceDir, { recursive: true, force: true });
      const timeoutMs = o.timeoutS * 1000;
      const impl: ImplChoice = {
        arg: implArg,
        dir: compiled,
        ...(modules.warm ? { warm: true } : {}),
      };
      const view = new RunsLine(tag);
      view.start(jobs.length);
      const session = await runSession({
        jobs,
        impls: [impl],
        parallel,
        timeoutMs,
        silenceMs: silenceFor(timeoutMs),
        memoryMb,
        outDir: o.traces > 0 ? traceDir : undefined,
        traces: o.traces,
        view,
        ...(o.noSandbox ? { noSandbox: true } : {}),
      });
      if (session.fatal)
        throw new UsageError(
          `${session.fatal.split('\n').join(' | ')} (run npm run build, then try again)`,
        );
      if (session.interrupted) {
        interrupted = true;
        process.stdout.write(`${tag}: interrupted (not stored; the next roster grades it)\n`);
        break;
      }
      const determinism = o.checkDeterminism
        ? await checkDeterminism(jobs, session.records, impl, {
            timeoutMs,
            silenceMs: silenceFor(timeoutMs),
            memoryMb,
            parallel,
            quiet: true,
            ...(o.noSandbox ? { noSandbox: true } : {}),
          })
        : undefined;
      if (determinism?.interrupted) {
        interrupted = true;
        process.stdout.write(`${tag}: interrupted (not stored; the next roster grades it)\n`);
        break;
      }
      const verification = await verifySample(
        session.records,
        { arg: implArg, dir: compiled },
        o.verifySample ?? 2,
        {
          timeoutMs,
          silenceMs: silenceFor(timeoutMs),
          memoryMb,
          parallel,
          ...(o.noSandbox ? { noSandbox: true } : {}),
        },
      );
      const file: GradeFile = {
        format: FORMAT,
        node: process.version,
        provenance: provenanceOf(compiled),
        impl: implArg,
        implDir: compiled,
        parts: p.parts,
        seed: p.seed,
        runs: o.runs,
        tests: p.tests,
        partSizes: p.partSizes,
        points: p.points,
        ...(o.courseOnly ? { courseOnly: true } : {}),
        expectedRuns: jobs.length,
        interrupted: false,
        parallel,
        realMs: session.realMs,
        timeoutS: o.timeoutS,
        modules: modules.note,
        ...(session.globals.length > 0 ? { globals: session.globals } : {}),
        ...(verification.sampled > 0 ? { verification } : {}),
        ...(determinism ? { determinism } : {}),
        results: session.records,
      };
      const suspect =
        [
          ...(verification.mismatches.length > 0 ? [verificationText(verification)] : []),
          ...(determinism?.differences.length ? [determinismText(determinism)] : []),
        ].join('\n') || undefined;
      result = {
        format: ROSTER_FORMAT,
        name: sub.name,
        source: sub.source,
        kind: sub.kind,
        hash,
        params,
        status: scoreOf(file).allPassed ? 'passed' : 'failed',
        ...(suspect ? { reason: suspect } : found.dir !== sub.root ? { reason: found.note } : {}),
        impl: implArg,
        file,
        gradedAt: new Date().toISOString(),
        realMs: performance.now() - started,
      };
    } catch (error) {
      if (!(error instanceof Done)) {
        if (!(error instanceof UsageError) || /npm run build/.test(error.message)) throw error;
        notGraded('not-graded', relativeTo(error.message, sub.root, sub.name));
      }
    }
    if (!result) continue;
    writeJsonAtomic(resultsFile(out, sub.name), result);
    entries[i] = { submission: sub, status: result.status, cached: false, result };
    graded++;
    process.stdout.write(
      `${tag}: ${progressText(result)} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    flush();
  }
  const files = flush();
  process.stdout.write(
    `graded ${graded}, cached ${cached}${interrupted ? `, ${subs.length - graded - cached} left (interrupted: run the same roster again to go on)` : ''}\ngradebook: ${files.map(shownPath).join(', ')}\n`,
  );
  return interrupted ? 130 : 0;
}

/** A thrown marker: the submission's result is set, skip the rest. */
class Done extends Error {}

/** `47/50 runs, 2A 5.0/5 2C 8.0/10, total 13.0/15` or the reason it was not graded. */
export function progressText(r: SubmissionResult): string {
  if (!r.file) return `${r.status}: ${r.reason ?? ''}`;
  const s = scoreOf(r.file);
  const passed = r.file.results.filter((x) => x.status === 'passed').length;
  const parts = s.parts
    .map(
      (x) =>
        `${x.part} ${x.earned.toFixed(1)}/${x.possible.toFixed(0)}${x.oursGraded > 0 ? ` (ours ${x.oursPassed}/${x.oursGraded})` : ''}`,
    )
    .join(' ');
  return `${passed}/${r.file.expectedRuns} runs, ${parts}, total ${s.earned.toFixed(1)}/${s.possible.toFixed(0)}`;
}

export type { Plan };
