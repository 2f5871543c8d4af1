// What the key/value suites (3A–3B) expect of a fault-tolerant key/value service built on Raft.
//
// The harness hosts each replica as one network server with two services: "KVServer" (the
// service's own handlers) and "Raft" (the replica's Raft handlers). Clerks reach servers only
// through the client ends they are given, in an order the harness has shuffled.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../api';
import type { RaftPeer } from './raft';

/** One replica of the service. */
export interface KVServer {
  /** Stops the replica and its Raft for good (the harness also crashes its runtime). */
  kill(): void;
  /** This replica's Raft peer: the harness asks it getState() and registers raft.handlers. */
  readonly raft: RaftPeer;
  /** The handlers registered as service "KVServer" (called as "KVServer.<name>"). */
  readonly handlers: Readonly<Record<string, Handler>>;
}

/**
 * A client of the service. Each call blocks until the operation has taken effect exactly once and
 * never fails: it retries across servers, lost messages, leader changes, partitions and crashes.
 * One clerk is used by one task at a time.
 */
export interface Clerk {
  /** The current value; "" for a key that was never written or was deleted. */
  get(key: string): Promise<string>;
  put(key: string, value: string): Promise<void>;
  /** value := old value + arg, a missing key counting as "". */
  append(key: string, arg: string): Promise<void>;
  /** Removes the key (an addition beyond the course): a later get returns "". */
  delete(key: string): Promise<void>;
}

export interface KVRaftModule {
  /**
   * Starts one replica (and its Raft peer). `servers[j]` reaches replica j's network server, where
   * both "KVServer" and "Raft" are registered. `maxraftstate` is the byte size of persisted Raft
   * state at which the service should snapshot (-1: never). Must return quickly.
   */
  makeKVServer(
    servers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    maxraftstate: number,
    runtime: Runtime,
  ): KVServer;
  /** A clerk on the given ends (shuffled: end i need not reach server i). `runtime` is the clerk's own node. */
  makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk;
}
