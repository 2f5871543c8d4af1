// What lab 4B of the 2026 edition expects of the key/value service replicated with the rsm layer
// (the course's kvraft1): lab 2's versioned API (harness/contracts/kvsrv.ts) served by several
// replicas, each running its Get and Put through its rsm (harness/contracts/rsm.ts) and so through
// Raft; 4C: snapshots through rsm once Raft's persisted state passes maxraftstate.
//
// The harness hosts each replica as one network server with two services: "KVServer" (the
// replica's handlers) and "Raft" (its Raft's). Clerks reach the replicas only through the client
// ends they are given, in an order the harness has shuffled; the network may lose requests and
// replies, partition the replicas, and crash and restart them.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../api';
import type { Clerk } from './kvsrv';
import type { RaftPeer } from './raft';

export type { Clerk, Err, GetResult, Version } from './kvsrv';

/** One replica of the service. */
export interface KVServer {
  /** Stops the replica, its rsm and its Raft for good (the harness also crashes its runtime). */
  kill(): void;
  /** This replica's Raft peer (its rsm's): the harness asks it getState() and registers raft.handlers. */
  readonly raft: RaftPeer;
  /** The handlers registered as service "KVServer" (called as "KVServer.<name>"). */
  readonly handlers: Readonly<Record<string, Handler>>;
}

export interface KVRaft1Module {
  /**
   * Starts one replica on its rsm (and the rsm's Raft). `servers[j]` reaches replica j's network
   * server, where both "KVServer" and "Raft" are registered. `maxraftstate`: the byte size of
   * persisted Raft state at which to snapshot (-1: never). Must return quickly.
   */
  makeKVServer(
    servers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    maxraftstate: number,
    runtime: Runtime,
  ): KVServer;
  /**
   * A clerk on the given ends (shuffled: end i need not reach replica i); `runtime` is the
   * clerk's own node. Its get and put retry across replicas until one answers for the majority;
   * a put retried after an attempt without a definite answer, then refused with ErrVersion,
   * returns ErrMaybe.
   */
  makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk;
}
