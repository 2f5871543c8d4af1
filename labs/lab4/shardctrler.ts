// The shard controller cluster fixture (the course's shardctrler config.go): the service cluster
// (service-cluster.ts) with the controller plugged in, each replica hosting "ShardCtrler" and
// "Raft" on one server. Tests bracket phases with begin("Test: <phase>") / end(), which print the
// original's "Test: <phase> ..." and "  ... Passed" lines. Every clerk the fixture makes records
// its calls and results (CtrlerHistory), for the checks on what clients observed.
import type { Clerk, ShardCtrler, ShardCtrlerModule } from '../../harness/contracts/shardctrler';
import type { TestContext } from '../../harness/scenario';
import { CtrlerHistory } from './shardctrler-history';
import { ServiceCluster, type ServiceHost } from './service-cluster';

function ctrlerHost(
  ctrler: ShardCtrlerModule,
  history: CtrlerHistory,
): ServiceHost<ShardCtrler, Clerk> {
  let clerks = 0;
  return {
    service: 'ShardCtrler',
    rngStream: 'shardctrler/fixture',
    startName: 'makeShardCtrler',
    start: (ends, me, persister, runtime) => ctrler.makeShardCtrler(ends, me, persister, runtime),
    makeClerk: (ends, runtime) => history.recorded(ctrler.makeClerk(ends, runtime), clerks++),
    passedLine: () => '  ... Passed',
  };
}

export class CtrlerCluster extends ServiceCluster<ShardCtrler, Clerk> {
  /** Every call of every clerk this cluster made, with its outcome. */
  readonly history: CtrlerHistory;

  constructor(t: TestContext, n: number, unreliable: boolean) {
    const history = new CtrlerHistory(() => t.sim.now());
    super(t, n, unreliable, ctrlerHost(t.impl.layer<ShardCtrlerModule>('shardctrler'), history));
    this.history = history;
    history.onReturn = () => this.ops++;
  }
}
