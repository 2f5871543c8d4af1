// Messages from the past (labs/ours/raft-past.ts): each buggy variant is caught by the test whose
// adversary delivers the message it mishandles, and by the check named; its base passes.
import { describeVariants } from '../support/variants';

describeVariants('messages from the past: buggy variants caught, bases passing', [
  {
    variant: 'raft-count-old-vote',
    base: 'impls/raft-textbook',
    test: 'TestVotesFromThePast2A',
    seed: 1,
    expect: 'vote-count',
    message: /no server granted it a vote in term \d+/,
  },
]);
