// The reference Raft with state kept from one run to the next where the grader's checks do not
// look: a count of the clusters made, on a module-level function, written through a local alias
// (the static check of grader/module-state.ts follows no alias, so the modules stay loaded between
// runs in a worker, and nothing lands on globalThis). In every cluster after a process's first,
// election timeouts are 1 ms longer: each run passes, but its trace depends on whether its worker
// ran something before. In a fresh process (replay, or a worker's first run) it is deterministic;
// grade --check-determinism, which runs every run again in other workers after other runs, tells.
import { makeRaftWith, Raft, type MakeRaft } from '../../../../../src/raft';

/** Clusters made in this process (server 0 is made first in each), kept on the function itself. */
function clustersMade(newCluster: boolean): number {
  const self = clustersMade as unknown as { count?: number };
  if (newCluster) self.count = (self.count ?? 0) + 1;
  return self.count ?? 0;
}

class HiddenCounter extends Raft {
  protected override electionTimeoutMs(): number {
    return super.electionTimeoutMs() + (clustersMade(false) > 1 ? 1 : 0);
  }
}

export const makeRaft: MakeRaft = (...args) => {
  clustersMade(args[1] === 0);
  return makeRaftWith(HiddenCounter)(...args);
};
