// Every group leaves with clients running (labs/ours/shardkv-leave-all.ts): the group that goes on
// serving shards given to nobody is caught; the reference passes.
import { describeVariants } from '../support/variants';

describeVariants('every group leaves (4B, ours): buggy variant caught, reference passing', [
  {
    variant: 'shardkv-serves-unowned',
    test: 'TestLeaveAll4B',
    seed: 1,
    expect: 'shard-availability',
    message: /operations completed between .* after every group left/,
  },
]);
