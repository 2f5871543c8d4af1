// The public contract between the harness and an implementation under test (src/ or --impl DIR).
// Implementations import only *types* from here (`import type`): everything they use at run time
// (time, timers, randomness, logging, the codec, RPC ends, the persister) is handed to them, so a
// copy of src/ anywhere on disk can be graded, and the simulator owns every source of
// nondeterminism.

/** A cancellable one-shot timer from Runtime.setTimer. */
export interface Timer {
  cancel(): void;
  readonly pending: boolean;
}

/**
 * A condition a task can wait on, as a Go condition variable or channel would be used. Waits are
 * named so that a deadlock report can say what every blocked task was waiting for.
 */
export interface Signal {
  /**
   * Resolves true when notifyAll() wakes this wait. With `timeoutMs`, resolves false instead if no
   * notification came within that many virtual milliseconds: a deadline at now() + timeoutMs on
   * the simulated clock, so the same seed gives the same outcome (e.g. a handler that fails its
   * client with ErrWrongLeader when its entry is not applied in time). On a crashed node it never
   * resolves, as a sleep never resumes.
   */
  wait(timeoutMs?: number): Promise<boolean>;
  /** Wakes every current waiter. */
  notifyAll(): void;
  readonly waiters: number;
}

/** Values that cross a wire or go to stable storage. */
export interface Codec {
  encode(value: unknown): Uint8Array;
  decode<T = unknown>(bytes: Uint8Array): T;
  /**
   * The values of encodings laid end to end (encode(a) then encode(b) ... in one byte string), in
   * order: what decode() gives for each. For state saved in pieces (PersisterApi.save).
   */
  decodeSequence(bytes: Uint8Array): unknown[];
}

/**
 * Everything a node may use to observe time or make a random choice. On a crashed node, timers
 * never fire and sleeps never resume, exactly as on a machine that lost power.
 */
export interface Runtime {
  /** The node's name, as shown in traces and deadlock reports. */
  readonly name: string;
  /** Virtual milliseconds since the simulation began. */
  now(): number;
  /** Resolves after `ms` virtual milliseconds (never, if the node crashes first). */
  sleep(ms: number, label?: string): Promise<void>;
  /** Calls `fn` after `ms` virtual milliseconds unless cancelled first or the node crashes. */
  setTimer(ms: number, fn: () => void, label?: string): Timer;
  /** Uniform in [0, 1), from this node's own seeded stream. */
  random(): number;
  /** Uniform integer in [0, n). */
  randomInt(n: number): number;
  /** A named condition to wait on (shown in deadlock reports). */
  signal(description: string): Signal;
  /** Debug output: goes to the run's trace, shown by `grade replay --trace/--columns`. */
  log(topic: LogTopic, message: string): void;
  /**
   * The implementation's own consistency check, for a property its design relies on ("entries are
   * applied in order"): unless `holds`, the run fails under `implementation-invariant` with
   * `message()`. The message is built only when the check fails. A mutation run of the reference
   * (npm run mutation) switches these off (DSLAB_INVARIANTS=off), so a mutant is judged by the
   * tester's checks alone, as a learner's code is.
   */
  invariant(holds: boolean, message: () => string): void;
  readonly codec: Codec;
  readonly crashed: boolean;
}

/**
 * A trace line's topic: `replay --topics` filters by it and the per-node columns colour the topics
 * they know. Any name works (a new lab part may log under its own); these are the ones coloured.
 */
export type LogTopic = KnownTopic | (string & {});

export type KnownTopic =
  | 'election'
  | 'append'
  | 'apply'
  | 'snapshot'
  | 'persist'
  | 'client'
  | 'server'
  | 'config'
  | 'shard'
  | 'info';

/** A sending port to one peer. Resolves to the reply, or to null when the call failed (lost
 * request or reply, unreachable or dead server). It never rejects for a network outcome. */
export interface ClientEnd {
  readonly name: string;
  call<Reply = unknown>(serviceMethod: string, args: unknown): Promise<Reply | null>;
}

/** An RPC handler: receives freshly decoded args and returns (or resolves to) a plain reply object. */
export type Handler = (args: any) => unknown;

/** Stable storage for one server: Raft state and snapshot, saved together. */
export interface PersisterApi {
  /**
   * Replaces the saved state and snapshot (null: an empty snapshot). `raftState` may be given in
   * pieces, saved as their concatenation: a Raft that saves its whole log on every change can keep
   * the encodings of the parts that did not change (complete chunks of old entries, say) and save
   * them as they are, with no copy into one array first. Read back with codec.decodeSequence when
   * each piece is one encode().
   */
  save(raftState: Uint8Array | readonly Uint8Array[], snapshot: Uint8Array | null): void;
  readRaftState(): Uint8Array;
  readSnapshot(): Uint8Array;
  raftStateSize(): number;
  snapshotSize(): number;
}
