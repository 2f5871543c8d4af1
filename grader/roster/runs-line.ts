// The roster's progress over one submission's runs: on a terminal, one line redrawn in place under
// the roster's lines (`[3/20] alice: 120/320 runs, 2 failed`), cleared when the submission is done
// and its own line printed. Elsewhere (a log file, CI) nothing: the line per submission says it.
import type { ProgressView } from '../progress';
import { isCI } from '../progress';
import type { RunRecord } from '../protocol';

export interface LineStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export class RunsLine implements ProgressView {
  private total = 0;
  private done = 0;
  private failed = 0;
  private drawn = false;
  private readonly interactive: boolean;

  constructor(
    private readonly tag: string,
    private readonly stream: LineStream = process.stderr,
    interactive?: boolean,
  ) {
    this.interactive = interactive ?? (Boolean(stream.isTTY) && !isCI());
  }

  start(total: number): void {
    this.total = total;
    this.draw();
  }

  run(_record: RunRecord, failed: number): void {
    this.done++;
    this.failed = failed;
    this.draw();
  }

  testDone(): void {}

  /** A note (e.g. a hung test's other seeds skipped): printed above the line. */
  note(line: string): void {
    if (!this.interactive) return;
    this.clear();
    this.stream.write(`${this.tag}: ${line}\n`);
    this.draw();
  }

  stop(): void {
    this.clear();
  }

  private draw(): void {
    if (!this.interactive) return;
    const failed = this.failed > 0 ? `, ${this.failed} failed` : '';
    this.stream.write(`\r\x1b[2K${this.tag}: ${this.done}/${this.total} runs${failed}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
