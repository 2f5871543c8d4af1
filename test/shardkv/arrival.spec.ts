// Shards served on arrival (labs/ours/shardkv-arrival.ts): the group that serves a moved-in shard
// only once its previous owner has confirmed the deletion is caught; the reference passes.
import { describeVariants } from '../support/variants';

describeVariants('shards served on arrival (4B, ours): buggy variant caught, reference passing', [
  {
    variant: 'shardkv-serves-after-cleanup',
    test: 'TestChallenge2ServedOnArrival4B',
    seed: 1,
    expect: 'shard-availability',
    message:
      /was not read and appended to within 3 s while group 100's answers without shard data were held/,
  },
]);
