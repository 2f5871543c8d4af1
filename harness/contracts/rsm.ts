// What lab 4A of the 2026 edition expects of a replicated state machine layer (`rsm`) on Raft: a
// server hands it a state machine and submits commands; the layer runs each command through the
// Raft log, executes it on every replica's state machine in log order, and gives the submitter the
// command's result once it has been applied. It snapshots through Raft when Raft's persisted state
// grows past maxraftstate, and restores the state machine from the snapshot when it restarts.
import type { ClientEnd, PersisterApi, Runtime } from '../api';
import type { RaftPeer } from './raft';

/** What the server on top of the layer provides (the key/value service; the tests' counter). */
export interface StateMachine {
  /** Executes one command, called on every replica in log order; returns its result. */
  doOp(req: unknown): unknown;
  /** The state machine's whole state, for a snapshot. */
  snapshot(): Uint8Array;
  /** Replaces the state machine's state with a snapshot's. */
  restore(data: Uint8Array): void;
}

/**
 * OK: the command was applied, and `value` is what doOp returned for it. ErrWrongLeader: this
 * replica cannot say (it does not lead, lost its leadership, or was killed): try another replica.
 */
export type SubmitErr = 'OK' | 'ErrWrongLeader';

export interface SubmitResult {
  err: SubmitErr;
  /** doOp's result for this command (undefined unless err is OK). */
  value?: unknown;
}

export interface RSM {
  /**
   * Runs `req` through the log and resolves once it has been applied here, with doOp's result
   * for this very submission; ErrWrongLeader as soon as that can no longer happen (another
   * command took its place, a new term began, the layer was killed).
   */
  submit(req: unknown): Promise<SubmitResult>;
  /** This replica's Raft peer: the harness asks it getState() and registers raft.handlers. */
  readonly raft: RaftPeer;
  /** Stops the layer and its Raft for good; every submit still waiting resolves ErrWrongLeader. */
  kill(): void;
}

export interface RSMModule {
  /**
   * One replica of the layer (and its Raft peer). `servers[j]` reaches replica j's Raft.
   * `maxraftstate`: the byte size of persisted Raft state at which to snapshot (-1: never).
   * Must return quickly.
   */
  makeRSM(
    servers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    maxraftstate: number,
    sm: StateMachine,
    runtime: Runtime,
  ): RSM;
}
