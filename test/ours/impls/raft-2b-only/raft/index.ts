// Test-only implementation (test/ours): a Raft written as far as part 2B, as the starter kit is
// after 2B: the reference's elections and log with nothing of 2C or 2D. It persists nothing (its
// persister drops every save, as the kit's empty persist() does), cannot come back from a crash
// (a restart throws: part 2C), and snapshot() and the InstallSnapshot handler throw as the kit's
// unwritten entry points do (part 2D). The Raft swarm at level 2B must never reach any of them.
import type { ClientEnd, PersisterApi, Runtime } from '../../../../../harness/api';
import type { ApplySink, RaftPeer } from '../../../../../harness/contracts/raft';
import { makeRaft as makeReferenceRaft } from '../../../../../src/raft';

const notYet = (what: string, part: string) =>
  new Error(`raft/raft.ts: ${what} is not implemented yet (part ${part})`);

export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  // The simulator numbers a node's incarnations from 1: a later one is a restart after a crash.
  if (((runtime as { incarnation?: number }).incarnation ?? 1) > 1)
    throw notYet('restarting from persisted state (readPersist())', '2C');
  const nothing: PersisterApi = {
    save: () => {},
    readRaftState: () => new Uint8Array(0),
    readSnapshot: () => new Uint8Array(0),
    raftStateSize: () => 0,
    snapshotSize: () => 0,
  };
  const rf = makeReferenceRaft(peers, me, nothing, applySink, runtime);
  return {
    getState: () => rf.getState(),
    start: (command) => rf.start(command),
    kill: () => rf.kill(),
    snapshot: () => {
      throw notYet('snapshot()', '2D');
    },
    handlers: {
      ...rf.handlers,
      InstallSnapshot: () => {
        throw notYet('installSnapshot()', '2D');
      },
    },
  };
}
