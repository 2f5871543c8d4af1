// `grade replay TEST --seed S`: re-runs exactly one run, in this process, and prints its
// fingerprint; --trace streams its event trace with virtual timestamps, --columns shows it one
// column per node. A run that hangs in a busy loop still shows its trace up to the loop.
import chalk from 'chalk';
import { runScenario, type Scenario } from '../harness/scenario';
import { Implementation } from '../harness/impl';
import type { TraceKind, TraceRecord } from '../harness/sim/trace';
import { allTests, layersFor, suggestTests, UsageError } from './select';
import { renderColumns, traceLine, TRACE_KINDS } from './columns';
import { firstLine } from './protocol';
import { checkImpl } from './impls';
import { artefactLine } from './report';

export interface ReplayOptions {
  test: string;
  seed: number;
  implArg: string;
  trace: boolean;
  columns: boolean;
  /** Only these kinds of records (default: all). */
  only?: ReadonlySet<TraceKind>;
  /** Only these nodes (and the test's own lines). */
  nodes?: ReadonlySet<string>;
  fromMs?: number;
  toMs?: number;
  width?: number;
}

export function findTest(name: string): Scenario {
  const tests = allTests();
  const found = tests.find((s) => s.name === name);
  if (found) return found;
  const close = suggestTests(name, tests.map((s) => s.name));
  if (tests.length === 0) throw new UsageError(`unknown test ${name}: no tests exist yet`);
  throw new UsageError(`unknown test ${name}; did you mean ${close.join(', ')}? (npm run grade -- list shows every test)`);
}

export function parseKinds(text: string): Set<TraceKind> {
  const kinds = text.split(',').map((k) => k.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !(TRACE_KINDS as readonly string[]).includes(k));
  if (bad.length > 0 || kinds.length === 0) throw new UsageError(`bad --only "${text}": give trace kinds separated by commas, from ${TRACE_KINDS.join(', ')}`);
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

export async function replay(options: ReplayOptions): Promise<number> {
  const scenario = findTest(options.test);
  const dir = checkImpl(options.implArg, layersFor([scenario.part]));
  const impl = new Implementation(dir);
  const out = new Output(options.trace && !options.columns);
  out.line(chalk.bold(`replay ${scenario.name} seed ${options.seed} (${scenario.description}), implementation ${options.implArg} (${impl.dir}), Node ${process.version}`));
  const kept: TraceRecord[] = [];
  let lastTime = 0;
  const wanted = (r: TraceRecord) =>
    (!options.only || options.only.has(r.kind)) &&
    (!options.nodes || r.kind === 'test' || options.nodes.has(r.node)) &&
    (options.fromMs === undefined || r.time >= options.fromMs) &&
    (options.toMs === undefined || r.time <= options.toMs);
  const show = (r: TraceRecord) => {
    if (!wanted(r)) return;
    if (options.columns) kept.push(r);
    else if (options.trace) out.line(traceLine(r));
  };
  const result = await runScenario(scenario, {
    seed: options.seed,
    impl,
    onTrace: (r) => {
      lastTime = r.time;
      show(r);
    },
    onLog: (line) => {
      // The test's own lines (begin ..., Passed ...) appear where they happen in the trace.
      if (options.trace || options.columns) show({ time: lastTime, kind: 'test', node: 'test', detail: line });
      else out.line(line);
    },
  });
  if (options.columns) {
    const width = options.width ?? (process.stdout.columns || 160);
    for (const line of renderColumns(kept, width)) out.line(line);
  }
  out.line('');
  if (result.passed) out.line(chalk.green.bold('PASS'));
  else {
    out.line(`${chalk.red.bold('FAIL')}: ${firstLine(result.error)}`);
    const rest = (result.error ?? '').split('\n').slice(1);
    for (const l of rest) out.line(chalk.dim(l));
  }
  for (const a of result.artefacts) out.line(artefactLine(a));
  const s = result.stats;
  const stats = s ? `${s.virtualSeconds.toFixed(1)}s virtual, ${s.peers} peers, ${s.rpcs} RPCs, ${s.bytes} bytes, ${s.commands} commands` : `${(result.virtualMs / 1000).toFixed(1)}s virtual`;
  out.line(`stats: ${stats}; ${result.events} events, ${result.realMs.toFixed(0)} ms real`);
  if (!options.trace && !options.columns && !result.passed) {
    out.line(chalk.dim('(add --trace for the event trace, or --columns for one column per node coloured by topic)'));
  }
  out.line(`fingerprint: ${result.fingerprint}`);
  out.flush();
  return result.passed ? 0 : 1;
}
