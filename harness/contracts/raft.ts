// What the Raft suites (2A–2D) and the services built on Raft expect of a Raft implementation.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../api';

/** A committed command, or a snapshot to install, delivered in log order. */
export type ApplyMsg =
  | { commandValid: true; command: unknown; commandIndex: number; snapshotValid?: false }
  | {
      snapshotValid: true;
      snapshot: Uint8Array;
      snapshotTerm: number;
      snapshotIndex: number;
      commandValid?: false;
    };

/**
 * Where Raft delivers ApplyMsgs: the Go original's unbuffered applyCh. The promise resolves only
 * once the consumer has finished with the message (it may call back into Raft, e.g. snapshot(),
 * before that), so Raft must await each delivery before the next: that is the back-pressure.
 */
export type ApplySink = (msg: ApplyMsg) => Promise<void>;

export interface StartResult {
  index: number;
  term: number;
  isLeader: boolean;
}

export interface RaftPeer {
  /** Appends `command` if this peer believes it leads; returns at once, without waiting for agreement. */
  start(command: unknown): StartResult;
  getState(): { term: number; isLeader: boolean };
  /** The service has captured everything through `index` in `snapshot`: Raft may trim its log. */
  snapshot(index: number, snapshot: Uint8Array): void;
  /** Stops all activity for good. */
  kill(): void;
  /** The RPC handlers, registered by the harness as service "Raft" (called as "Raft.<name>"). */
  readonly handlers: Readonly<Record<string, Handler>>;
}

export interface RaftModule {
  /**
   * Creates a peer. `peers[j]` reaches peer j (peers[me] reaches itself). Must return quickly:
   * long-running work happens in the background, driven by `runtime` timers.
   */
  makeRaft(
    peers: ClientEnd[],
    me: number,
    persister: PersisterApi,
    applySink: ApplySink,
    runtime: Runtime,
  ): RaftPeer;
}
