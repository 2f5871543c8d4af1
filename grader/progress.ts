// The live view while runs go on, on stderr (stdout is kept for the report): a table of tests
// updated in place on a terminal; plain lines when stderr is not a terminal or under CI=true (a
// line when a run fails, when a test has finished all its runs, and every tenth of the runs).
import chalk from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { visibleLength } from './table';
import type { RunRecord } from './protocol';
import { failureText } from './protocol';

/** A test and how many runs it will have (per implementation in compare mode). */
export interface PlannedTest {
  name: string;
  label?: string;
  runs: number;
}

export interface ProgressView {
  start(total: number): void;
  /** The tests of the session, before any run (for the live table). */
  plan?(tests: readonly PlannedTest[]): void;
  /** A run finished; `failed` counts failures so far. */
  run(record: RunRecord, failed: number): void;
  /** Every run of a test has finished (or was skipped: see SessionOptions.keepGoing). */
  testDone(
    name: string,
    label: string | undefined,
    runs: number,
    failed: number,
    skipped?: number,
  ): void;
  note(line: string): void;
  stop(): void;
}

export function makeView(quiet = false): ProgressView {
  if (quiet) return new SilentView();
  const interactive = Boolean(process.stderr.isTTY) && !isCI();
  return interactive ? new TableView() : new LineView();
}

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function failureLine(r: RunRecord): string {
  const who = r.impl ? `[${r.impl}] ` : '';
  return `${chalk.red(r.status.toUpperCase())} ${who}${r.test} seed ${r.seed} at ${(r.virtualMs / 1000).toFixed(1)}s virtual: ${failureText(r)}`;
}

function testLine(
  name: string,
  label: string | undefined,
  runs: number,
  failed: number,
  skipped = 0,
): string {
  const who = label ? `[${label}] ` : '';
  if (failed === 0 && skipped === 0)
    return `${chalk.green('ok  ')} ${who}${name} ${runs}/${runs} passed`;
  const tag = failed + skipped === runs ? chalk.red('FAIL') : chalk.yellow('FLAKY');
  return `${tag} ${who}${name} ${failed}/${runs - skipped} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/**
 * In a terminal: a live table, one row per test (runs done, failed, flake rate, status), redrawn in
 * place on stderr a few times a second, like the course community's parallel test runner; failures
 * scroll above it as they happen.
 */
class TableView implements ProgressView {
  private readonly rows = new Map<string, Row>();
  private total = 0;
  private done = 0;
  private failed = 0;
  private started = 0;
  private drawn = 0;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  start(total: number): void {
    this.total = total;
    this.started = performance.now();
    this.timer = setInterval(() => this.dirty && this.draw(), 200);
    this.timer.unref();
  }

  plan(tests: readonly PlannedTest[]): void {
    for (const t of tests)
      this.rows.set(rowKey(t.name, t.label), { ...t, done: 0, failed: 0, skipped: 0 });
    this.draw();
  }

  run(record: RunRecord, failed: number): void {
    this.done++;
    this.failed = failed;
    const row = this.rows.get(rowKey(record.test, record.impl));
    const bad = record.status !== 'passed' && record.status !== 'skipped';
    if (row) {
      row.done++;
      if (bad) row.failed++;
      if (record.status === 'skipped') row.skipped++;
    }
    if (bad) this.note(failureLine(record));
    else this.dirty = true;
  }

  testDone(): void {
    this.dirty = true;
  }

  note(line: string): void {
    this.clear();
    process.stderr.write(`${line}\n`);
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.drawn = 0;
  }

  private clear(): void {
    // Up to the first line of the table, and clear everything below.
    if (this.drawn > 0) process.stderr.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.dirty = false;
    // A line wider than the terminal would wrap, and the redraw would count lines wrong.
    const cols = process.stderr.columns || 120;
    const lines = this.lines().map((l) =>
      visibleLength(l) < cols ? l : stripVTControlCharacters(l).slice(0, cols - 1),
    );
    this.clear();
    process.stderr.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  private lines(): string[] {
    const all = [...this.rows.values()];
    const room = Math.max(3, (process.stderr.rows || 40) - 6);
    // More tests than the terminal has lines: the ones running or failing, and a count of the rest.
    const shown =
      all.length <= room
        ? all
        : all.filter((r) => r.failed > 0 || (r.done > 0 && r.done < r.runs)).slice(0, room);
    const name = (r: Row) => (r.label ? `[${r.label}] ${r.name}` : r.name);
    const width = Math.max(4, ...shown.map((r) => name(r).length));
    const head = `${'test'.padEnd(width)}  ${'runs'.padStart(11)}  ${'failed'.padStart(6)}  ${'flaky'.padStart(5)}  status`;
    const body = shown.map((r) => {
      const ran = r.done - r.skipped;
      const flake = ran > 0 ? `${Math.round((100 * r.failed) / ran)}%` : '-';
      const status =
        r.done === 0
          ? chalk.dim('waiting')
          : r.done < r.runs
            ? r.failed > 0
              ? chalk.red('running')
              : 'running'
            : r.failed === 0 && r.skipped === 0
              ? chalk.green('ok')
              : r.failed + r.skipped === r.runs
                ? chalk.red(`FAIL${r.skipped > 0 ? ` (${r.skipped} skipped)` : ''}`)
                : chalk.yellow(`FLAKY${r.skipped > 0 ? ` (${r.skipped} skipped)` : ''}`);
      return `${name(r).padEnd(width)}  ${`${r.done}/${r.runs}`.padStart(11)}  ${r.failed > 0 ? chalk.red(String(r.failed).padStart(6)) : '0'.padStart(6)}  ${flake.padStart(5)}  ${status}`;
    });
    const hidden = all.length - shown.length;
    if (hidden > 0) {
      const ok = all.filter((r) => r.done === r.runs && r.failed === 0).length;
      body.push(
        chalk.dim(
          `(${hidden} more tests: ${ok} finished ok, ${all.filter((r) => r.done === 0).length} waiting)`,
        ),
      );
    }
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
    const tally = `${this.done}/${this.total} runs, ${this.failed > 0 ? chalk.red(`${this.failed} failed`) : '0 failed'}, ${elapsed.toFixed(0)}s elapsed${this.done > 0 && this.done < this.total ? `, ETA ${eta.toFixed(0)}s` : ''}`;
    return [chalk.bold(head), ...body, tally];
  }
}

interface Row extends PlannedTest {
  done: number;
  failed: number;
  skipped: number;
}

function rowKey(name: string, label: string | undefined): string {
  return `${label ?? ''}/${name}`;
}

class LineView implements ProgressView {
  private total = 0;
  private done = 0;
  private started = 0;
  private lastLine = 0;

  start(total: number): void {
    this.total = total;
    this.started = performance.now();
    this.lastLine = this.started;
  }

  run(record: RunRecord, failed: number): void {
    this.done++;
    if (record.status !== 'passed' && record.status !== 'skipped') this.note(failureLine(record));
    const now = performance.now();
    const step = Math.max(1, Math.ceil(this.total / 10));
    if (this.done === this.total || this.done % step === 0 || now - this.lastLine > 30_000) {
      this.lastLine = now;
      const elapsed = (now - this.started) / 1000;
      const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
      this.note(
        `[${this.done}/${this.total} runs, ${failed} failed, ${elapsed.toFixed(0)}s elapsed, ETA ${eta.toFixed(0)}s]`,
      );
    }
  }

  testDone(
    name: string,
    label: string | undefined,
    runs: number,
    failed: number,
    skipped = 0,
  ): void {
    this.note(testLine(name, label, runs, failed, skipped));
  }

  note(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  stop(): void {}
}

class SilentView implements ProgressView {
  start(): void {}
  run(): void {}
  testDone(): void {}
  note(): void {}
  stop(): void {}
}
