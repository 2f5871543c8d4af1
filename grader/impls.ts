// Checks an --impl directory before any work starts, so a missing or malformed implementation is
// one line naming what is wrong (exit status 2) instead of a failure in every run.
import { checkImplementationDir, resolveImplDir, type LayerName } from '../harness/impl';
import { UsageError } from './select';

/** What each layer must provide, as the hint after a missing export. */
const CONTRACT: Record<LayerName, string> = {
  raft: 'raft/index.js must export makeRaft(peers, me, persister, applySink, runtime) (harness/contracts/raft.ts)',
  kvraft: 'kvraft/index.js must export makeKVServer() and makeClerk() (harness/contracts/kvraft.ts)',
  shardctrler: 'shardctrler/index.js must export makeShardCtrler() and makeClerk()',
  shardkv: 'shardkv/index.js must export makeShardKV() and makeClerk()',
};

/** Returns the compiled directory to load, or throws a UsageError naming the problem. */
export function checkImpl(arg: string, layers: LayerName[]): string {
  const problem = checkImplementationDir(arg, layers);
  if (problem) {
    const layer = layers.find((l) => problem.includes(`${l}/`) || problem.includes(`/${l}/index`));
    const hint = /does not exist/.test(problem)
      ? '; --impl takes a directory laid out like src/ (raft/, kvraft/, ...), e.g. --impl src'
      : layer && /does not export/.test(problem)
        ? `; ${CONTRACT[layer]}`
        : '';
    throw new UsageError(`bad --impl ${arg}: ${problem}${hint}`);
  }
  return resolveImplDir(arg);
}
