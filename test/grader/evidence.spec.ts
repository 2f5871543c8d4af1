// A failure's line in the report keeps its evidence: long values are shortened in the middle,
// both ends kept, and what was got is never cut off, even when the record's error had to be capped.
import { expect } from 'chai';
import { capError, ERROR_CAP, failureText, headline } from '../../grader/protocol';

describe('grader: the evidence in a failure line', () => {
  const a = JSON.stringify(Array.from({ length: 3000 }, (_, i) => i));
  const b = JSON.stringify(Array.from({ length: 3000 }, (_, i) => i + 1));

  it('shortens long values in the middle and keeps got, past the record cap', () => {
    const message = `expected ${a}, got ${b}`;
    expect(message.length).to.be.above(ERROR_CAP);
    const capped = capError(message);
    expect(capped.length).to.be.at.most(ERROR_CAP + 100);
    const text = failureText({ check: 'agreement', error: capped });
    expect(text.length).to.be.below(500);
    expect(text).to.match(
      /^\[agreement\] expected \[0,1,2,3,.*…\(\d+ chars\)….*,2998,2999\], got \[1,2,3,.*…\(\d+ chars\)….*,2999,3000\]$/,
    );
  });

  it('joins a message that introduces its values on the lines below (wanted:, got)', () => {
    // As labs/lab3/kv-history.ts writes it.
    const wanted = 'x 0 0 y'.repeat(600);
    const got = `${'x 0 0 y'.repeat(599)}x 1 1 y`;
    const message = `get wrong value, key 0, wanted:\n${JSON.stringify(wanted)}\n, got\n${JSON.stringify(got)}\n`;
    for (const error of [message, capError(`${message}${'detail\n'.repeat(1000)}`)]) {
      const text = headline(error);
      expect(text).to.match(
        /^get wrong value, key 0, wanted: "x 0 0 y.*…\(\d+ chars\)….*x 0 0 y", got "x 0 0 y.*…\(\d+ chars\)….*x 1 1 y"$/,
      );
      expect(text.length).to.be.below(500);
    }
  });

  it('leaves short messages, stacks and blocked lists as they were', () => {
    expect(failureText({ check: 'deadlock', error: 'deadlock at 1s\nblocked: ...' })).to.equal(
      '[deadlock] deadlock at 1s',
    );
    expect(
      headline('makeRaft() for server 2 threw: boom\n    at new MiniRaft (/a/raft.ts:3:9)'),
    ).to.equal('makeRaft() for server 2 threw: boom');
    expect(headline('node 1 threw:\n    at f (/a/raft.ts:3:9)')).to.equal('node 1 threw:');
    expect(capError('short')).to.equal('short');
  });
});
