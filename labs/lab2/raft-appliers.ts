// The tester's record of what every server has applied, and the two appliers that check each
// ApplyMsg against it: the original config's checkLogs, applier, applierSnap and ingestSnap.
// Every method returns the problem it found (undefined when all is well): a message and the check
// it breaks; the fixture turns a problem into a failure of the run.
//
// Beyond the original (marked "monotonic apply" in messages): within one incarnation the plain
// applier also requires each command exactly one past the previous one (the original accepts a
// repeated or earlier index if any incarnation applied its predecessor), and the snapshot applier
// refuses a snapshot that would take the service back behind what it has applied.
//
// 2022 vs 2023: the 2022 snapshot applier ingests a delivered snapshot only when
// CondInstallSnapshot returns true; the 2023 one ingests every delivered snapshot. We follow 2023,
// the stricter of the two: Raft has no veto, so every snapshot it delivers must be right.
import type { ApplyMsg, RaftPeer } from '../../harness/contracts/raft';
import { decode, encode } from '../../engine/codec';

/** What an applier found wrong: the check it breaks, and the message. */
export interface ApplyProblem {
  check: 'apply-error' | 'monotonic-apply' | 'implementation-threw';
  message: string;
}

const applyError = (message: string): ApplyProblem => ({ check: 'apply-error', message });
const monotonicApply = (message: string): ApplyProblem => ({ check: 'monotonic-apply', message });

/** The snapshot applier snapshots after applying every index i with (i + 1) % 10 == 0. */
export const SNAPSHOT_INTERVAL = 10;

export class ApplyRecord {
  /** logs[i]: index -> command that server i applied (kept across crashes; replaced by snapshots). */
  readonly logs: Map<number, unknown>[];
  /** The snapshot applier's idea of the last index server i applied. */
  readonly lastApplied: number[];
  /** The highest index any server has applied. */
  maxIndex = 0;
  /** The last command index applied by server i's current incarnation (0: none yet). */
  private readonly incarnationApplied: number[];

  constructor(readonly n: number) {
    this.logs = Array.from({ length: n }, () => new Map<number, unknown>());
    this.lastApplied = new Array<number>(n).fill(0);
    this.incarnationApplied = new Array<number>(n).fill(0);
  }

  /** Server i restarted: its service starts again from nothing (or from its persisted snapshot). */
  newIncarnation(i: number): void {
    this.lastApplied[i] = 0;
    this.incarnationApplied[i] = 0;
  }

  /**
   * Records that server i applied `command` at `index`, after checking that no server has applied
   * a different command there. prevOk: whether server i had already applied index - 1.
   */
  checkLogs(i: number, index: number, command: unknown): { error: string; prevOk: boolean } {
    let error = '';
    for (let j = 0; j < this.n; j++) {
      const log = this.logs[j];
      if (log.has(index) && !sameCommand(log.get(index), command)) {
        error = `commit index=${index} server=${i} ${show(command)} != server=${j} ${show(log.get(index))}`;
      }
    }
    const prevOk = this.logs[i].has(index - 1);
    this.logs[i].set(index, command);
    if (index > this.maxIndex) this.maxIndex = index;
    return { error, prevOk };
  }

  /** The applier of parts 2A–2C: same command at every index on every server, never a gap. */
  applyPlain(i: number, msg: ApplyMsg): ApplyProblem | undefined {
    if (msg.commandValid !== true) return undefined; // snapshots and anything else are ignored here
    const bad = badCommandIndex(i, msg.commandIndex);
    if (bad) return bad;
    const last = this.incarnationApplied[i];
    this.incarnationApplied[i] = msg.commandIndex;
    const { error, prevOk } = this.checkLogs(i, msg.commandIndex, msg.command);
    if (msg.commandIndex > 1 && !prevOk)
      return applyError(`server ${i} apply out of order ${msg.commandIndex}`);
    if (error) return applyError(error);
    if (last > 0 && msg.commandIndex !== last + 1) {
      return monotonicApply(
        `monotonic apply: server ${i} applied index ${msg.commandIndex} right after index ${last} (same incarnation): each index once, in order`,
      );
    }
    return undefined;
  }

  /**
   * The applier of part 2D: commands exactly consecutive (lastApplied + 1), snapshots ingested,
   * and rf.snapshot() called synchronously after every index i with (i + 1) % 10 == 0.
   */
  applySnap(i: number, msg: ApplyMsg, rf: RaftPeer): ApplyProblem | undefined {
    if (msg.snapshotValid === true) {
      if (!Number.isInteger(msg.snapshotIndex) || !Number.isInteger(msg.snapshotTerm)) {
        return applyError(
          `server ${i} delivered a snapshot with snapshotIndex ${String(msg.snapshotIndex)} and snapshotTerm ${String(msg.snapshotTerm)}: both must be integers`,
        );
      }
      return this.ingestSnap(i, msg.snapshot, msg.snapshotIndex);
    }
    if (msg.commandValid !== true) return undefined;
    const index = msg.commandIndex;
    const bad = badCommandIndex(i, index);
    if (bad) return bad;
    let error = '';
    if (index !== this.lastApplied[i] + 1) {
      error = `server ${i} apply out of order, expected index ${this.lastApplied[i] + 1}, got ${index}`;
    }
    if (error === '') {
      const checked = this.checkLogs(i, index, msg.command);
      error = checked.error;
      if (index > 1 && !checked.prevOk) error = `server ${i} apply out of order ${index}`;
    }
    this.lastApplied[i] = index;
    if (error === '' && (index + 1) % SNAPSHOT_INTERVAL === 0) {
      const snapshot = this.snapshotBytes(i, index);
      try {
        rf.snapshot(index, snapshot);
      } catch (e) {
        return {
          check: 'implementation-threw',
          message: `server ${i}: snapshot(${index}, ...) threw: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    }
    return error ? applyError(error) : undefined;
  }

  /** The service's snapshot: the codec of [lastIncludedIndex, xlog], xlog[j] = command at j (null if none). */
  snapshotBytes(i: number, lastIncludedIndex: number): Uint8Array {
    const xlog: unknown[] = [];
    for (let j = 0; j <= lastIncludedIndex; j++) {
      const command = this.logs[i].get(j);
      xlog.push(command === undefined ? null : command);
    }
    return encode([lastIncludedIndex, xlog], 'snapshot');
  }

  /**
   * Replaces server i's record with the snapshot's contents, as the service would. `index` is
   * the ApplyMsg's snapshotIndex, or -1 when reading the persisted snapshot at a restart.
   */
  ingestSnap(
    i: number,
    snapshot: Uint8Array | null | undefined,
    index: number,
  ): ApplyProblem | undefined {
    if (!(snapshot instanceof Uint8Array)) return applyError(`server ${i}: nil snapshot`);
    let decoded: unknown;
    try {
      decoded = decode(snapshot);
    } catch (e) {
      return applyError(
        `server ${i}: snapshot decode error (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (
      !Array.isArray(decoded) ||
      decoded.length !== 2 ||
      !Number.isInteger(decoded[0]) ||
      !Array.isArray(decoded[1])
    ) {
      return applyError(
        `server ${i}: snapshot decode error (not the [lastIncludedIndex, log] the tester encoded; Raft must hand back the service's bytes unchanged)`,
      );
    }
    const [lastIncludedIndex, xlog] = decoded as [number, unknown[]];
    if (index !== -1 && index !== lastIncludedIndex) {
      return applyError(
        `server ${i} snapshot doesn't match m.SnapshotIndex (snapshotIndex ${index}, snapshot holds ${lastIncludedIndex})`,
      );
    }
    if (index !== -1 && index < this.lastApplied[i]) {
      return monotonicApply(
        `monotonic apply: server ${i} delivered a snapshot through index ${index} after applying through ${this.lastApplied[i]}: a snapshot must not take the service back`,
      );
    }
    const log = new Map<number, unknown>();
    xlog.forEach((command, j) => log.set(j, command));
    this.logs[i] = log;
    this.lastApplied[i] = lastIncludedIndex;
    return undefined;
  }
}

function badCommandIndex(i: number, index: unknown): ApplyProblem | undefined {
  if (typeof index === 'number' && Number.isInteger(index) && index >= 1) return undefined;
  return applyError(
    `server ${i} applied a command at index ${String(index)}: command indices are integers from 1`,
  );
}

/** Commands compare by value: === for numbers and strings, by encoding for anything else. */
export function sameCommand(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return Buffer.from(encode(a)).equals(encode(b));
  } catch {
    return false;
  }
}

/** A command for an error message (the 5000-character commands of TestRPCBytes2B are cut short). */
export function show(command: unknown): string {
  let text: string;
  try {
    text =
      typeof command === 'string'
        ? JSON.stringify(command)
        : String(JSON.stringify(command) ?? command);
  } catch {
    text = String(command);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
