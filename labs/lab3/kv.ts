// The key/value cluster fixture (the course's kvraft config.go): the service cluster
// (service-cluster.ts) with the key/value service plugged in (keyValueHost: each replica hosting
// "KVServer" and "Raft" on one server, and end() printing the course's closing line).
import type { Clerk, KVRaftModule, KVServer } from '../../harness/contracts/kvraft';
import type { TestContext } from '../../harness/scenario';
import { keyValueHost, ServiceCluster } from '../lab4/service-cluster';

export { CLERK_RPC_LATENCY_MS, ELECTION_TIMEOUT_MS } from '../lab4/service-cluster';

export class KVCluster extends ServiceCluster<KVServer, Clerk> {
  constructor(
    t: TestContext,
    n: number,
    unreliable: boolean,
    readonly maxraftstate: number,
  ) {
    super(
      t,
      n,
      unreliable,
      keyValueHost(t.impl.layer<KVRaftModule>('kvraft'), maxraftstate, 'kv/fixture'),
    );
  }
}
