// Every group leaves (labs/ours/shardkv-leave-all.ts): the group that goes on serving shards given
// to nobody, and the one that keeps their data, are caught; the reference passes.
import { describeVariants } from '../support/variants';

describeVariants('every group leaves (4B, ours): buggy variant caught, reference passing', [
  {
    variant: 'shardkv-serves-unowned',
    test: 'TestLeaveAll4B',
    seed: 1,
    expect: 'shard-availability',
    message: /operations completed between .* after every group left/,
  },
  {
    variant: 'shardkv-keeps-nobodys-shards',
    test: 'TestChallenge1DeleteAll4B',
    seed: 1,
    expect: 'shard-deletion',
    message:
      /every group left \(every shard on gid 0\), yet snapshot \+ persisted Raft state hold \d+ bytes > 18000/,
  },
]);
