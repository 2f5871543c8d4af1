// Deletes while shards move (labs/ours/shardkv-delete.ts): the group that answers a Delete without
// applying it is caught; the reference passes.
import { describeVariants } from '../support/variants';

describeVariants('deletes while shards move (4B, ours): buggy variant caught, reference passing', [
  {
    variant: 'shardkv-ignores-delete',
    test: 'TestDeleteMoves4B',
    seed: 1,
    expect: 'linearizability',
    message: /history is not linearizable/,
  },
]);
