// `grade replay TEST --seed S`: re-runs exactly one run, in this process, and prints its
// fingerprint; --trace streams its event trace with virtual timestamps, --columns shows it one
// column per node. The run is under the same watchdogs as in a grade worker (watchdog.ts): it ends
// with the verdict the grader recorded, a hung run included, and never hangs.
import chalk from 'chalk';
import * as fs from 'node:fs';
import type { Scenario } from '../harness/scenario';
import type { LayerName } from '../harness/impl';
import { defaultLevelOf, levelsOf } from '../labs';
import { executeRun } from '../labs/run';
import { formatRecord, type TraceKind, type TraceRecord } from '../engine/sim/trace';
import { allTests, layersFor, suggestTests, UsageError } from './select';
import { renderColumns, traceLine, TOPICS, TRACE_KINDS } from './columns';
import { failureText } from './protocol';
import { checkImpl, describeLayers } from './impls';
import { artefactLine, DEFAULT_TIMEOUT_S } from './report';
import { Watchdog } from './watchdog';
import { TraceFilter, type FilterOptions } from './filter';
import { silenceFor } from './grade';
import { viewerFileName, writeRunViewer } from '../viewer';
import { inSandbox } from './sandbox';
import { replayInBox } from './replay-box';

export interface ReplayOptions extends FilterOptions {
  test: string;
  seed: number;
  implArg: string;
  /** Layers taken from the reference implementation (--reference). */
  reference?: LayerName[];
  trace: boolean;
  columns: boolean;
  /** Show RPC arguments and replies, abbreviated. */
  rpc?: boolean;
  width?: number;
  /** Real-time limit, as grade's --timeout (seconds). */
  timeoutS?: number;
  /** A swarm test's level (--level). */
  level?: string;
  /** A swarm test's fault plan (--plan), as grade shrink prints it. */
  plan?: unknown;
  /** Write the run viewer (viewer/): to this file, or (true) to TestX-seedS-run.html here. */
  html?: string | boolean;
  /** Replay in this process, outside the permission model's box (--no-sandbox). */
  noSandbox?: boolean;
  /** In the box (replay-box.ts): the implementation as the grader compiled and checked it. */
  implDir?: string;
  /** In the box: where the viewer is written (the scratch folder), to be moved to its name. */
  viewerWriteTo?: string;
}

/** --topics: any names (an implementation may log under its own); at least one. */
export function parseTopics(text: string): Set<string> {
  const topics = text
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (topics.length === 0)
    throw new UsageError(
      `bad --topics "${text}": give topics separated by commas, e.g. election,append (known: ${TOPICS.join(', ')})`,
    );
  return new Set(topics);
}

export function findTest(name: string): Scenario {
  const tests = allTests();
  const found = tests.find((s) => s.name === name);
  if (found) return found;
  const close = suggestTests(
    name,
    tests.map((s) => s.name),
  );
  if (tests.length === 0) throw new UsageError(`unknown test ${name}: no tests exist yet`);
  throw new UsageError(
    `unknown test ${name}; did you mean ${close.join(', ')}? (npm run grade -- list shows every test)`,
  );
}

export function parseKinds(text: string): Set<TraceKind> {
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const bad = kinds.filter((k) => !(TRACE_KINDS as readonly string[]).includes(k));
  const topics = bad.filter((k) => TOPICS.includes(k));
  if (topics.length > 0) {
    throw new UsageError(
      `bad --only "${text}": ${topics.join(', ')} ${topics.length === 1 ? 'is a topic, not a record kind' : 'are topics, not record kinds'}: use --topics ${topics.join(',')} (--only takes kinds: ${TRACE_KINDS.join(', ')})`,
    );
  }
  if (bad.length > 0 || kinds.length === 0)
    throw new UsageError(
      `bad --only "${text}": give trace kinds separated by commas, from ${TRACE_KINDS.join(', ')}`,
    );
  return new Set(kinds as TraceKind[]);
}

/**
 * Writes through a buffer (a trace may have millions of lines), or line by line when streaming a
 * trace: a run that ends in a busy loop must still show everything up to the loop.
 */
class Output {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly immediate: boolean) {}

  line(text: string): void {
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.immediate || this.size > 65_536) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    process.stdout.write(this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }
}

/** A swarm test's level: as given (checked), else its default; undefined for other tests. */
export function levelFor(scenario: Scenario, given: string | undefined): string | undefined {
  const levels = levelsOf(scenario);
  if (levels.length === 0) {
    if (given !== undefined)
      throw new UsageError(`--level is for the swarm tests; ${scenario.name} has no levels`);
    return undefined;
  }
  if (given === undefined) return defaultLevelOf(scenario);
  const level = levels.find(
    (l) => l.toLowerCase() === given.trim().toLowerCase().replace(/^lab/, ''),
  );
  if (!level)
    throw new UsageError(
      `bad --level "${given}" for ${scenario.name}: give one of ${levels.join(', ')}`,
    );
  return level;
}

/** --plan: a fault plan as JSON (as grade shrink prints it), or the name of a file holding one. */
export function parsePlan(text: string): unknown {
  const json = text.trim().startsWith('{') ? text : readPlanFile(text);
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new UsageError(
      `bad --plan: not JSON (${(error as Error).message}); give the plan grade shrink printed`,
    );
  }
}

function readPlanFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(
      `bad --plan "${file}": neither a plan in JSON nor a file that can be read`,
    );
  }
}

export async function replay(options: ReplayOptions): Promise<number> {
  const scenario = findTest(options.test);
  const reference = options.reference ?? [];
  const level = levelFor(scenario, options.level);
  const selected = [{ name: scenario.name, part: scenario.part, ...(level ? { level } : {}) }];
  if (!options.noSandbox && !inSandbox()) {
    const viewer = options.html
      ? typeof options.html === 'string'
        ? options.html
        : viewerFileName(scenario.name, options.seed)
      : undefined;
    return replayInBox(options, layersFor(selected), viewer);
  }
  const dir = options.implDir ?? checkImpl(options.implArg, layersFor(selected), reference);
  // Stack traces name the implementation's TypeScript lines, not the compiled JavaScript.
  process.setSourceMapsEnabled(true);
  const out = new Output(options.trace && !options.columns);
  const layers = reference.length > 0 ? `; ${describeLayers(layersFor(selected), reference)}` : '';
  const at = level ? ` at level ${level}` : '';
  const planned = options.plan !== undefined ? ', with the given fault plan' : '';
  out.line(
    chalk.bold(
      `replay ${scenario.name} seed ${options.seed}${at}${planned} (${scenario.description}), implementation ${options.implArg} (${dir}${layers}), Node ${process.version}`,
    ),
  );
  const kept: TraceRecord[] = [];
  let lastTime = 0;
  const filter = new TraceFilter(options);
  const view = { rpc: Boolean(options.rpc) };
  // The viewer draws the whole run, whatever the filters keep for the terminal.
  const all: TraceRecord[] | undefined = options.html ? [] : undefined;
  const show = (r: TraceRecord) => {
    all?.push(r);
    if (!filter.wants(r)) return;
    if (options.columns) kept.push(r);
    else if (options.trace) out.line(traceLine(r, view));
    // Without a trace, the implementation's console output still shows, where it happened.
    else if (r.kind === 'console') out.line(traceLine(r, view));
  };
  const timeoutMs = (options.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000;
  const dog = new Watchdog({
    silenceMs: silenceFor(timeoutMs),
    hardMs: timeoutMs + Math.max(5000, timeoutMs / 10),
    what: `${scenario.name} seed ${options.seed}`,
  });
  const params = {
    ...(level ? { level } : {}),
    ...(options.plan !== undefined ? { plan: options.plan } : {}),
  };
  const spec = {
    test: scenario.name,
    seed: options.seed,
    implDir: dir,
    ...(level || options.plan !== undefined ? { params } : {}),
    realTimeLimitMs: timeoutMs,
  };
  const result = await executeRun(spec, {
    exactConsoleNodes: true,
    keepRpcData: Boolean(options.rpc || options.html),
    onTrace: (r) => {
      lastTime = r.time;
      dog.record(r.time, formatRecord(r));
      show(r);
    },
    onLog: (line) => {
      // The test's own lines (begin ..., Passed ...) appear where they happen in the trace.
      const r: TraceRecord = { time: lastTime, kind: 'test', node: 'test', detail: line };
      if (options.trace || options.columns) show(r);
      else {
        all?.push(r);
        out.line(line);
      }
    },
  });
  await dog.stop();
  if (options.columns) {
    const width = options.width ?? (process.stdout.columns || 160);
    for (const line of renderColumns(kept, width, view)) out.line(line);
  }
  out.line('');
  for (const n of filter.notices()) out.line(chalk.yellow(`note: ${n}`));
  if (result.passed) out.line(chalk.green.bold('PASS'));
  else {
    const word =
      result.outcome === 'real-time-limit' ? chalk.magenta.bold('HUNG') : chalk.red.bold('FAIL');
    // The check says how it ended: [deadlock], [virtual-time-limit], [linearizability], ...
    out.line(`${word}: ${failureText(result)}`);
    const rest = (result.error ?? '').split('\n').slice(1);
    for (const l of rest) out.line(chalk.dim(l));
    // A run stopped at the real-time limit: where it was (with --trace, that is the end above).
    if (result.outcome === 'real-time-limit' && !options.trace) {
      out.line('the trace stops here (its last records):');
      for (const l of dog.lastRecords()) out.line(`  ${l}`);
    }
  }
  for (const a of result.artefacts) out.line(artefactLine(a));
  if (all) {
    const file =
      typeof options.html === 'string' ? options.html : viewerFileName(scenario.name, options.seed);
    writeRunViewer({ ...result, trace: all }, options.viewerWriteTo ?? file, {
      impl: options.implArg,
    });
    out.line(`viewer: ${file} (open it in a browser)`);
  }
  const s = result.stats;
  const stats = s
    ? `${s.virtualSeconds.toFixed(1)}s virtual, ${s.peers} peers, ${s.rpcs} RPCs, ${s.bytes} bytes, ${s.commands} commands`
    : `${(result.virtualMs / 1000).toFixed(1)}s virtual`;
  out.line(`stats: ${stats}; ${result.events} events, ${result.realMs.toFixed(0)} ms real`);
  if (!options.trace && !options.columns && !result.passed) {
    out.line(
      chalk.dim(
        '(add --trace for the event trace, or --columns for one column per node coloured by topic)',
      ),
    );
  }
  out.line(`fingerprint: ${result.fingerprint}`);
  out.flush();
  return result.passed ? 0 : 1;
}
