// The key/value cluster fixture (the course's kvraft config.go): the service cluster
// (service-cluster.ts) with the key/value service plugged in, each replica hosting "KVServer" and
// "Raft" on one server, and end() printing the course's closing line (time, peers, RPCs, ops).
import type { Clerk, KVRaftModule, KVServer } from '../../harness/contracts/kvraft';
import type { TestContext } from '../../harness/scenario';
import { ServiceCluster, type ServiceHost } from '../lab4/service-cluster';

export { CLERK_RPC_LATENCY_MS, ELECTION_TIMEOUT_MS } from '../lab4/service-cluster';

function kvHost(kv: KVRaftModule, maxraftstate: number): ServiceHost<KVServer, Clerk> {
  return {
    service: 'KVServer',
    rngStream: 'kv/fixture',
    startName: 'makeKVServer',
    start: (ends, me, persister, runtime) =>
      kv.makeKVServer(ends, me, persister, maxraftstate, runtime),
    makeClerk: (ends, runtime) => kv.makeClerk(ends, runtime),
    passedLine: (s) =>
      `  ... Passed --  ${s.seconds.toFixed(1).padStart(4)}  ${s.peers} ${String(s.rpcs).padStart(5)} ${String(s.ops).padStart(4)}`,
  };
}

export class KVCluster extends ServiceCluster<KVServer, Clerk> {
  constructor(
    t: TestContext,
    n: number,
    unreliable: boolean,
    readonly maxraftstate: number,
  ) {
    super(t, n, unreliable, kvHost(t.impl.layer<KVRaftModule>('kvraft'), maxraftstate));
  }
}
