// The roster's progress over a submission's runs (grader/roster/runs-line.ts): one line redrawn in
// place on a terminal and cleared at the end; nothing when the output is not a terminal.
import { expect } from 'chai';
import { RunsLine } from '../../grader/roster/runs-line';
import type { RunRecord } from '../../grader/protocol';

const record = { test: 'TestX', part: '2A', seed: 1, status: 'passed' } as RunRecord;

function recorder(): { text: string[]; write(t: string): void } {
  const text: string[] = [];
  return { text, write: (t: string) => text.push(t) };
}

describe('dslab roster: the progress line over runs', () => {
  it('redraws one line per run on a terminal, with failures, and clears it when done', () => {
    const out = recorder();
    const line = new RunsLine('[2/7] alice', out, true);
    line.start(3);
    line.run(record, 0);
    line.run(record, 1);
    line.note('TestX hung on seed 2');
    line.run(record, 1);
    line.stop();
    expect(out.text).to.deep.equal([
      '\r\x1b[2K[2/7] alice: 0/3 runs',
      '\r\x1b[2K[2/7] alice: 1/3 runs',
      '\r\x1b[2K[2/7] alice: 2/3 runs, 1 failed',
      '\r\x1b[2K',
      '[2/7] alice: TestX hung on seed 2\n',
      '\r\x1b[2K[2/7] alice: 2/3 runs, 1 failed',
      '\r\x1b[2K[2/7] alice: 3/3 runs, 1 failed',
      '\r\x1b[2K',
    ]);
  });

  it('writes nothing when the output is not a terminal', () => {
    const out = recorder();
    const line = new RunsLine('[1/1] bob', out, false);
    line.start(2);
    line.run(record, 0);
    line.note('a note');
    line.stop();
    expect(out.text).to.deep.equal([]);
  });
});
