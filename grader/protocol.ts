// What the grader and its worker processes say to each other over the IPC channel, and the record
// of one run as it appears in reports and --json files.
import type { LabPart, RunOutcome, RunParams, RunResult, TestStats } from '../harness/scenario';
import type { CheckId } from '../harness/checks';

/**
 * passed / failed: the run finished (failed covers test failures, deadlocks, the virtual-time
 * limit and exceptions thrown by the implementation). hung: the worker was killed by the real-time
 * watchdog. crashed: the worker process died (out of memory, process.exit, a native crash).
 * skipped: not run, because an earlier run of the same test hung (grade --keep-going runs it).
 */
export type RunStatus = 'passed' | 'failed' | 'hung' | 'crashed' | 'skipped';

export interface RunRecord {
  test: string;
  part: LabPart;
  seed: number;
  /** A swarm test's level: part of what identifies the run. */
  level?: string;
  status: RunStatus;
  /** The check that failed (harness/checks.ts): present on every run that did not pass. */
  check?: CheckId;
  /** First line: the message; further lines: detail (capped). */
  error?: string;
  /** How a finished run ended (e.g. deadlock, virtual-time-limit); absent for hung/crashed workers. */
  outcome?: RunOutcome;
  /**
   * What every node was waiting for when the run was stopped (a deadlock, a time limit), or, for a
   * worker that stopped responding, at its last report before it did.
   */
  blocked?: string[];
  /**
   * For a hung run: the last trace line before it (from the probe of the stuck worker); for a
   * crashed run: from the re-run that saved the trace.
   */
  lastEvent?: string;
  /** For a hung run: where the probe found it stuck, `file.ts:LINE (function)`. */
  hungIn?: string;
  /**
   * Virtual time reached (for hung runs: of the last event, when the probe read it; else, and for
   * crashed runs, the last time the worker reported).
   */
  virtualMs: number;
  realMs: number;
  events?: number;
  /** Hash of the run's event trace; absent when the run did not finish. */
  fingerprint?: string;
  stats?: TestStats;
  /** Saved event trace of a failing run (under --out). */
  trace?: string;
  /** The run viewer (viewer/) saved beside the trace: the first failing seed of each test. */
  viewer?: string;
  /** Files the run produced, e.g. a checker's HTML report (copied under --out). */
  artefacts?: string[];
  /** A remark on the run, e.g. that a second run of the seed gave another fingerprint. */
  note?: string;
  /** Compare mode: which implementation ('A' or 'B'). */
  impl?: string;
}

export interface WorkerJob {
  id: number;
  test: string;
  seed: number;
  implDir: string;
  /** A swarm test's level and plan (see labs/run.ts RunSpec). */
  params?: RunParams;
  /** The simulator's own real-time limit (checked between events); the pool's watchdog kills later. */
  realTimeLimitMs?: number;
  /** Where artefacts of failing runs go; also where traces are written. */
  outDir?: string;
  /** Re-run to write the event trace to this file (a failing run, already reported). */
  tracePath?: string;
  /** Header lines written at the top of the trace file. */
  traceHeader?: string[];
  /** With tracePath: also write the run viewer to this file, titled with the implementation. */
  viewer?: { path: string; impl: string };
  /**
   * Keep the implementation's modules loaded from the previous run in this worker (the parent found
   * them free of module-level state: grader/module-state.ts); otherwise they are loaded afresh.
   */
  warm?: boolean;
}

export type ToWorker = { type: 'run'; job: WorkerJob };

/** A run as a worker reports it: runScenario's result without the output lines and records. */
export interface WorkerResult extends Omit<RunResult, 'output' | 'trace'> {
  /** For trace jobs: the file written. */
  trace?: string;
  /** For trace jobs with a viewer: the viewer's file. */
  viewer?: string;
  /** Properties the run added to globalThis (removed after it, so the next run does not see them). */
  leakedGlobals?: string[];
}

export type FromWorker =
  | { type: 'ready'; pid: number }
  /**
   * Sent every HEARTBEAT_MS while the worker's event loop turns, with what the run's nodes wait for
   * (timed beats only): if the worker then stops responding, that is the last known state.
   */
  | { type: 'beat'; id: number | undefined; virtualMs: number; blocked?: string[] }
  | { type: 'result'; id: number; result: WorkerResult }
  /** The job could not even start (unknown test, implementation failed to load). */
  | { type: 'error'; id: number; message: string };

export const HEARTBEAT_MS = 200;

/** Errors are kept to this many characters in records (the first line is what reports show). */
export const ERROR_CAP = 6000;

/**
 * At most this many characters in an error record. A longer text keeps its headline (the line
 * reports show, with its values shortened in the middle: the evidence stays) and as much of the
 * rest as fits.
 */
export function capError(text: string): string {
  if (text.length <= ERROR_CAP) return text;
  const { line, used } = headlineOf(text);
  const rest = text.split('\n').slice(used).join('\n');
  const room = Math.max(0, ERROR_CAP - line.length - 1);
  return rest.length <= room
    ? `${line}\n${rest}`
    : `${line}\n${rest.slice(0, room)}\n... (${rest.length - room} more characters)`;
}

/** A value longer than this is shortened in the middle in a failure's headline. */
const VALUE_CAP = 120;
/** A headline longer than this has its values shortened further. */
const HEADLINE_CAP = 480;

/**
 * The line reports show for a failure: its first line, joined with the lines it introduces (a
 * message ending in `wanted:` or `got`, its values on the lines below), each long value (a quoted
 * string, a bracketed list or object, a long word) shortened in the middle, so that `got` and the
 * ends of both values stay.
 */
export function headline(text: string | undefined): string {
  return headlineOf(text ?? '').line;
}

function headlineOf(text: string): { line: string; used: number } {
  const lines = text.split('\n');
  let line = lines[0].trim();
  let used = 1;
  while (used < lines.length) {
    const next = lines[used];
    if (next.trim() === '' || /^\s+at /.test(next)) break;
    const introduces =
      /:$/.test(line) || /\b(got|wanted|want|expected|but was|actual)$/i.test(line);
    if (!introduces && !/^\s*,/.test(next)) break;
    line = `${line}${/^\s*,/.test(next) ? '' : ' '}${next.trim()}`;
    used++;
  }
  for (let cap = VALUE_CAP; ; cap = Math.floor(cap / 2)) {
    const short = shortenValues(line, cap);
    if (short.length <= HEADLINE_CAP || cap < 30)
      return { line: shortenMiddle(short, HEADLINE_CAP), used };
  }
}

/** `text` with every value longer than `cap` characters shortened in the middle. */
function shortenValues(text: string, cap: number): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const end = valueEnd(text, i);
    if (end > i) {
      const value = text.slice(i, end);
      // A path (a report to open, a file to look at) is shown whole unless it is absurd.
      const path = /^\(?(\/|\.{1,2}\/|\w+:\/\/)\S*$/.test(value);
      out += shortenMiddle(value, path ? Math.max(cap, HEADLINE_CAP) : cap);
      i = end;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/**
 * Where the value starting at `i` ends: a quoted string, a bracketed group (to its matching close,
 * or the end), or a run of characters without spaces; `i` itself if no value starts there.
 */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return Math.min(text.length, j + 1);
  }
  if (c === '[' || c === '{') {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const d = text[j];
      if (d === '"') {
        j = valueEnd(text, j);
        continue;
      }
      if (d === '[' || d === '{') depth++;
      else if (d === ']' || d === '}') depth--;
      j++;
      if (depth === 0) break;
    }
    return j;
  }
  if (/\s/.test(c) || (i > 0 && !/\s/.test(text[i - 1]))) return i;
  let j = i;
  while (j < text.length && !/\s/.test(text[j])) j++;
  return j;
}

/** `text` if it is at most `cap` characters, else its two ends around what was left out. */
export function shortenMiddle(text: string, cap: number): string {
  if (text.length <= cap) return text;
  const keep = Math.max(4, Math.floor((cap - 16) / 2));
  const left = text.length - 2 * keep;
  return `${text.slice(0, keep)}…(${left} chars)…${text.slice(text.length - keep)}`;
}

/** The run status a finished run's outcome maps to: the simulator's real-time limit is a hang. */
export function statusOf(outcome: RunOutcome): RunStatus {
  return outcome === 'passed' ? 'passed' : outcome === 'real-time-limit' ? 'hung' : 'failed';
}

export function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n', 1)[0].trim();
}

/** A failure as reports show it: the check that failed, then its message's headline. */
export function failureText(r: { check?: CheckId; error?: string }): string {
  const line = headline(r.error);
  return r.check ? `[${r.check}]${line ? ` ${line}` : ''}` : line;
}
