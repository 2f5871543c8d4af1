// A cut-off leader's waiting clients (labs/ours/kv-past.ts): the key/value variant that answers a
// waiting client with whatever command was applied at its index is caught; its base passes.
import { describeVariants } from '../support/variants';

describeVariants("a cut-off leader's waiting clients: buggy variant caught, base passing", [
  {
    variant: 'kvraft-answers-other',
    test: 'TestOwnResult3A',
    seed: 1,
    expect: 'exactly-once',
    message: /completed, but the value holds it 0 times/,
  },
]);
