// `grade compare --impl A --impl B [LAB...]`: both implementations on the same tests and seeds,
// side by side (pass rate, virtual time, RPCs, bytes, real time), with a verdict per lab part.
import chalk from 'chalk';
import { applyShard, layersFor, makeJobs, UsageError } from './select';
import { checkImpl, describeLayers, isLearnerDir } from './impls';
import type { LayerName } from '../harness/impl';
import { configReferenceFor } from './learner/defaults';
import { parseLayers } from './learner/mix';
import { checkImplBoxed } from './roster/probe';
import { checkWritableFile, writeJsonAtomic } from './results';
import { summarize, type TestSummary } from './report';
import { replayCommand, runSession, type ImplChoice } from './session';
import { makeView } from './progress';
import { defaultWorkerMemory, plan, silenceFor } from './grade';
import { compact, percent, secondsText, table } from './table';
import { failureText, type RunRecord } from './protocol';
import { chooseModules } from './module-state';

export interface CompareOptions {
  labs: string[];
  run?: string;
  runs: number;
  parallel: number;
  seed?: number;
  impls: string[];
  /** Layers the learners' folders among impls take from the reference (--reference). */
  reference?: LayerName[];
  json?: string;
  timeoutS: number;
  workerMemoryMb?: number;
  quiet?: boolean;
  freshModules?: boolean;
  courseOnly?: boolean;
  /** Without the permission model's box (--no-sandbox). */
  noSandbox?: boolean;
}

export async function compare(o: CompareOptions): Promise<number> {
  if (o.impls.length !== 2)
    throw new UsageError(
      `compare needs exactly two implementations: --impl A --impl B (got ${o.impls.length})`,
    );
  const p = plan(o.labs, o.run, o.seed, o.courseOnly ? { courseOnly: true } : {});
  const moduleNotes: string[] = [];
  const references = o.impls.map((arg) => referenceOf(arg, o.reference));
  if (o.reference?.length && references.every((r) => r.length === 0))
    throw new UsageError(
      `--reference ${o.reference.join(',')} mixes reference layers into a learner's folder of TypeScript sources; neither ${o.impls.join(' nor ')} is one`,
    );
  const impls: ImplChoice[] = o.impls.map((arg, i) => {
    const reference = references[i];
    const dir = o.noSandbox
      ? checkImpl(arg, layersFor(p.tests), reference)
      : checkImplBoxed(arg, layersFor(p.tests), reference ?? [], o.workerMemoryMb ?? 1024);
    const label = i === 0 ? 'A' : 'B';
    const modules = chooseModules(dir, Boolean(o.freshModules));
    if (!modules.warm) moduleNotes.push(`${label}: ${modules.note}`);
    return {
      arg,
      dir,
      label,
      ...(reference.length > 0 ? { reference } : {}),
      ...(modules.warm ? { warm: true } : {}),
    };
  });
  const named = (impl: ImplChoice) =>
    impl.reference
      ? `${impl.arg} (${describeLayers(layersFor(p.tests), impl.reference as LayerName[])})`
      : impl.arg;
  if (o.json) checkWritableFile(o.json, '--json');
  const jobs = applyShard(makeJobs(p.tests, p.seed, o.runs), undefined);
  const parallel = Math.max(1, Math.min(o.parallel, jobs.length * 2));
  process.stderr.write(
    `${chalk.bold('comparing')} A = ${named(impls[0])}, B = ${named(impls[1])} on ${p.parts.join(' ')}: ${p.tests.length} tests x ${o.runs} runs each, seeds ${p.seed}..${p.seed + o.runs - 1} (repeat with --seed ${p.seed}), ${parallel} workers\n`,
  );
  const view = makeView(o.quiet);
  view.start(jobs.length * 2);
  const timeoutMs = o.timeoutS * 1000;
  const session = await runSession({
    ...(o.noSandbox ? { noSandbox: true } : {}),
    jobs,
    impls,
    parallel,
    timeoutMs,
    silenceMs: silenceFor(timeoutMs),
    memoryMb: o.workerMemoryMb ?? defaultWorkerMemory(parallel),
    outDir: undefined,
    traces: 0,
    view,
  });
  if (session.fatal)
    throw new UsageError(
      `${session.fatal.split('\n').join(' | ')} (run npm run build, then try again)`,
    );
  const a = summarize(
    p.tests,
    session.records.filter((r) => r.impl === 'A'),
  );
  const b = summarize(
    p.tests,
    session.records.filter((r) => r.impl === 'B'),
  );
  if (o.json) {
    writeJsonAtomic(o.json, {
      format: 'dslab-compare/1',
      node: process.version,
      impls: { A: impls[0].arg, B: impls[1].arg },
      ...(impls.some((i) => i.reference)
        ? { reference: { A: impls[0].reference ?? [], B: impls[1].reference ?? [] } }
        : {}),
      parts: p.parts,
      seed: p.seed,
      runs: o.runs,
      tests: p.tests,
      interrupted: session.interrupted,
      realMs: session.realMs,
      results: session.records,
    });
  }
  const out: string[] = [
    '',
    `A = ${named(impls[0])}   B = ${named(impls[1])}   (same seeds for both: ${p.seed}..${p.seed + o.runs - 1})`,
    '',
  ];
  out.push(compareTable(a, b));
  out.push('', chalk.bold('Verdict per lab part:'));
  for (const part of p.parts) {
    const pa = a.filter((s) => s.part === part);
    if (pa.length === 0) continue;
    out.push(
      `  ${part}: ${verdictLine(
        pa,
        b.filter((s) => s.part === part),
      )}`,
    );
  }
  out.push(...failureLines(session.records, impls));
  const notes = [...moduleNotes, ...session.globals.map((g) => `globals left by ${g}`)];
  if (notes.length > 0) out.push('', ...notes.map((n) => chalk.yellow(n)));
  const failures = (rs: RunRecord[]) => rs.filter((r) => r.status !== 'passed').length;
  out.push(
    '',
    `${session.records.length} runs in ${(session.realMs / 1000).toFixed(1)}s real; failures: A ${failures(session.records.filter((r) => r.impl === 'A'))}, B ${failures(session.records.filter((r) => r.impl === 'B'))}${session.interrupted ? ' (interrupted)' : ''}`,
  );
  if (o.json) out.push(`results: ${o.json}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return session.interrupted ? 130 : 0;
}

/**
 * The layers an implementation takes from the reference: --reference's for a learner's folder (not
 * for the reference itself), else dslab.json's for the folder it names.
 */
function referenceOf(arg: string, given: LayerName[] | undefined): LayerName[] {
  if (given !== undefined) return isLearnerDir(arg) ? given : [];
  const configured = configReferenceFor(arg);
  return configured ? parseLayers(configured) : [];
}

/** Failures listed per test and implementation; the rest as seeds. */
const FAILURES_SHOWN = 5;

/** Every failing seed of either implementation, with the command that replays it (quiet or not). */
export function failureLines(
  records: readonly RunRecord[],
  impls: readonly ImplChoice[],
): string[] {
  const failed = records.filter((r) => r.status !== 'passed');
  if (failed.length === 0) return [];
  const out = ['', chalk.bold('Failures (the command that replays each run with its trace):')];
  for (const impl of impls) {
    const byTest = new Map<string, RunRecord[]>();
    for (const r of failed.filter((x) => x.impl === impl.label))
      byTest.set(r.test, [...(byTest.get(r.test) ?? []), r]);
    for (const [test, rs] of byTest) {
      rs.sort((a, b) => a.seed - b.seed);
      out.push(
        `  [${impl.label}] ${test}: ${rs.length} failed, seeds ${rs.map((r) => r.seed).join(', ')}`,
      );
      for (const r of rs.slice(0, FAILURES_SHOWN)) {
        out.push(`    seed ${r.seed}: ${r.status}: ${failureText(r)}`);
        out.push(
          `      replay: ${replayCommand(r.test, r.seed, impl.arg, impl.reference, r.level)}`,
        );
      }
      if (rs.length > FAILURES_SHOWN)
        out.push(`    ... and ${rs.length - FAILURES_SHOWN} more (seeds listed above)`);
    }
  }
  return out;
}

function passCell(s: TestSummary): string {
  const text = `${s.passed}/${s.runs}`;
  return s.runs === 0 ? '-' : s.passed === s.runs ? chalk.green(text) : chalk.red(text);
}

export function compareTable(a: readonly TestSummary[], b: readonly TestSummary[]): string {
  const header = [
    'test',
    'pass A',
    'pass B',
    'virt s A',
    'virt s B',
    'RPCs A',
    'RPCs B',
    'bytes A',
    'bytes B',
    'real ms A',
    'real ms B',
  ];
  const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(0));
  const rows = a.map((x, i) => {
    const y = b[i];
    return [
      x.name,
      passCell(x),
      passCell(y),
      secondsText(x.meanVirtualMs),
      secondsText(y.meanVirtualMs),
      compact(x.meanRpcs),
      compact(y.meanRpcs),
      compact(x.meanBytes),
      compact(y.meanBytes),
      ms(x.meanRealMs),
      ms(y.meanRealMs),
    ];
  });
  return table(header, rows);
}

function total(
  ss: readonly TestSummary[],
  pick: (s: TestSummary) => number | undefined,
): number | undefined {
  const values = ss.map(pick);
  return values.some((v) => v === undefined) ? undefined : values.reduce((s, v) => s! + v!, 0);
}

/** B relative to A, e.g. "-12%". */
function delta(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || a === 0 ? undefined : (b - a) / a;
}

function signed(d: number | undefined): string {
  if (d === undefined) return 'n/a';
  const p = Math.round(d * 100);
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)}%`;
}

export function verdictLine(a: readonly TestSummary[], b: readonly TestSummary[]): string {
  const passA = a.reduce((n, s) => n + s.passed, 0);
  const passB = b.reduce((n, s) => n + s.passed, 0);
  const runsA = a.reduce((n, s) => n + s.runs, 0);
  const runsB = b.reduce((n, s) => n + s.runs, 0);
  if (passA * runsB !== passB * runsA) {
    const better = passA * runsB > passB * runsA ? 'A' : 'B';
    return `${chalk.bold(`${better} is better`)}: passes ${better === 'A' ? passA : passB}/${better === 'A' ? runsA : runsB} runs (${percent(better === 'A' ? passA : passB, better === 'A' ? runsA : runsB)}), the other ${better === 'A' ? passB : passA}/${better === 'A' ? runsB : runsA}`;
  }
  const d = {
    rpcs: delta(
      total(a, (s) => s.meanRpcs),
      total(b, (s) => s.meanRpcs),
    ),
    bytes: delta(
      total(a, (s) => s.meanBytes),
      total(b, (s) => s.meanBytes),
    ),
    real: delta(
      total(a, (s) => s.meanRealMs),
      total(b, (s) => s.meanRealMs),
    ),
    virtual: delta(
      total(a, (s) => s.meanVirtualMs),
      total(b, (s) => s.meanVirtualMs),
    ),
  };
  // RPCs and bytes are exact for given seeds; real time is noisy, so it counts only when far apart.
  const costs = [
    [d.rpcs, 0.05],
    [d.bytes, 0.05],
    [d.real, 0.25],
  ].filter((x): x is [number, number] => x[0] !== undefined);
  const cheaperB = costs.filter(([x, t]) => x < -t).length;
  const dearerB = costs.filter(([x, t]) => x > t).length;
  const word =
    cheaperB > 0 && dearerB === 0
      ? 'B is cheaper'
      : dearerB > 0 && cheaperB === 0
        ? 'A is cheaper'
        : cheaperB === 0 && dearerB === 0
          ? 'equivalent'
          : 'mixed';
  return `${chalk.bold(word)}: both pass ${passA}/${runsA} runs; B against A: RPCs ${signed(d.rpcs)}, bytes ${signed(d.bytes)}, real time ${signed(d.real)}, virtual time ${signed(d.virtual)}`;
}
