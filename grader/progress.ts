// The live view while runs go on, on stderr (stdout is kept for the report): a progress bar on a
// terminal, plain lines when stderr is not a terminal or under CI=true. Either way a line appears
// when a run fails and when a test has finished all its runs, so the view reads as a live table.
import chalk from 'chalk';
import * as cliProgress from 'cli-progress';
import type { RunRecord } from './protocol';
import { firstLine } from './protocol';

export interface ProgressView {
  start(total: number): void;
  /** A run finished; `failed` counts failures so far. */
  run(record: RunRecord, failed: number): void;
  /** Every run of a test has finished. */
  testDone(name: string, label: string | undefined, runs: number, failed: number): void;
  note(line: string): void;
  stop(): void;
}

export function makeView(quiet = false): ProgressView {
  if (quiet) return new SilentView();
  const interactive = Boolean(process.stderr.isTTY) && !isCI();
  return interactive ? new BarView() : new LineView();
}

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function failureLine(r: RunRecord): string {
  const who = r.impl ? `[${r.impl}] ` : '';
  return `${chalk.red(r.status.toUpperCase())} ${who}${r.test} seed ${r.seed} at ${(r.virtualMs / 1000).toFixed(1)}s virtual: ${firstLine(r.error)}`;
}

function testLine(name: string, label: string | undefined, runs: number, failed: number): string {
  const who = label ? `[${label}] ` : '';
  if (failed === 0) return `${chalk.green('ok  ')} ${who}${name} ${runs}/${runs} passed`;
  const tag = failed === runs ? chalk.red('FAIL') : chalk.yellow('FLAKY');
  return `${tag} ${who}${name} ${failed}/${runs} failed`;
}

class BarView implements ProgressView {
  private multi: cliProgress.MultiBar | undefined;
  private bar: cliProgress.SingleBar | undefined;

  start(total: number): void {
    this.multi = new cliProgress.MultiBar(
      {
        format: 'grading {bar} {value}/{total} runs | {failed} | {duration_formatted} elapsed | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        etaBuffer: 50,
        fps: 5,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.multi.create(total, 0, { failed: chalk.green('0 failed') });
  }

  run(_record: RunRecord, failed: number): void {
    if (_record.status !== 'passed') this.note(failureLine(_record));
    this.bar?.increment(1, { failed: failed > 0 ? chalk.red(`${failed} failed`) : chalk.green('0 failed') });
  }

  testDone(name: string, label: string | undefined, runs: number, failed: number): void {
    this.note(testLine(name, label, runs, failed));
  }

  note(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else process.stderr.write(`${line}\n`);
  }

  stop(): void {
    this.multi?.stop();
    this.multi = undefined;
  }
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
    if (record.status !== 'passed') this.note(failureLine(record));
    const now = performance.now();
    const step = Math.max(1, Math.ceil(this.total / 10));
    if (this.done === this.total || this.done % step === 0 || now - this.lastLine > 30_000) {
      this.lastLine = now;
      const elapsed = (now - this.started) / 1000;
      const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
      this.note(`[${this.done}/${this.total} runs, ${failed} failed, ${elapsed.toFixed(0)}s elapsed, ETA ${eta.toFixed(0)}s]`);
    }
  }

  testDone(name: string, label: string | undefined, runs: number, failed: number): void {
    this.note(testLine(name, label, runs, failed));
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
