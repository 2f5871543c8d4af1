// The event trace of a run. Every record feeds a running SHA-256, so any run can report a
// fingerprint: same code + same seed => same fingerprint ('state' records, what an oracle saw of a
// peer, are the exception: observing a run must not change its fingerprint). Full records are
// kept only when asked for (replay --trace); otherwise only the last few are kept, for failure
// messages.
import { createHash, type Hash } from 'node:crypto';

export type TraceKind =
  | 'send' // a call entered the network
  | 'deliver' // a request reached a server's handler
  | 'reply' // a successful reply reached the caller
  | 'drop' // a request or reply was lost, or a call failed
  | 'timer' // a node's timer or sleep fired
  | 'crash'
  | 'start'
  | 'net' // connectivity or reliability changed
  | 'log' // an implementation's own debug output
  | 'console' // console.log and friends, captured while the grader runs the simulation
  | 'test' // a step of the test scenario
  | 'state'; // what the harness saw through a peer's getState(): an observation, not in the fingerprint

export interface TraceRecord {
  time: number;
  kind: TraceKind;
  node: string;
  detail: string;
  topic?: string;
  /**
   * An RPC's encoded arguments (send, deliver) or reply (reply), for display with --rpc. Not part
   * of the fingerprint (the detail line already is), and only kept when asked for (keepRpcData).
   */
  data?: Uint8Array;
}

/** A message whose bytes are produced only if a trace keeps them (the codec's Parcel). */
export interface MessageBytes {
  bytes(): Uint8Array;
}

/**
 * Lines wait this many records before they are hashed in one piece. Few: lines kept for long live
 * through young-generation collections and are copied each time (2048 cost a warm grader 4-11%
 * more CPU in 3A/3B than 64 or 256); joining is what makes a batch cheaper than a line each.
 */
const FLUSH_EVERY = 64;
const RECENT = 64;

export class Trace {
  private readonly hash: Hash = createHash('sha256');
  private pending: string[] = [];
  private fingerprintValue: string | undefined;
  readonly records: TraceRecord[] | undefined;
  private readonly recent: string[] = [];
  private recentPos = 0;
  count = 0;

  constructor(
    keepAll: boolean,
    private readonly sink?: (record: TraceRecord) => void,
    private readonly keepRpcData = false,
  ) {
    this.records = keepAll ? [] : undefined;
  }

  record(
    time: number,
    kind: TraceKind,
    node: string,
    detail: string,
    topic?: string,
    data?: Uint8Array | MessageBytes,
  ): void {
    if (this.fingerprintValue !== undefined) return; // finished: late activity is not part of the run
    if (kind === 'state') {
      // An oracle's look at a peer (getState() changed): kept for people (the run viewer, traces)
      // but not hashed, counted or in the tail, so observing never changes a fingerprint.
      if (this.records || this.sink) {
        const rec: TraceRecord = { time, kind, node, detail };
        if (topic !== undefined) rec.topic = topic;
        this.records?.push(rec);
        this.sink?.(rec);
      }
      return;
    }
    this.count++;
    // A console line's node depends on how exactly it was attributed (see exactConsoleNodes): not
    // part of the fingerprint.
    const line =
      kind === 'console' ? `${time}|${kind}|${detail}` : `${time}|${kind}|${node}|${detail}`;
    this.pending.push(line);
    if (this.pending.length >= FLUSH_EVERY) this.flush();
    if (this.recent.length < RECENT) this.recent.push(line);
    else {
      this.recent[this.recentPos] = line;
      this.recentPos = (this.recentPos + 1) % RECENT;
    }
    if (this.records || this.sink) {
      const rec: TraceRecord =
        topic === undefined ? { time, kind, node, detail } : { time, kind, node, detail, topic };
      if (data !== undefined && this.keepRpcData)
        rec.data = data instanceof Uint8Array ? data : data.bytes();
      this.records?.push(rec);
      this.sink?.(rec);
    }
  }

  /** The last records as raw lines (time|kind|node|detail), oldest first. */
  tail(): string[] {
    return [...this.recent.slice(this.recentPos), ...this.recent.slice(0, this.recentPos)];
  }

  /** Seals the trace and returns its hash (16 hex digits). */
  fingerprint(): string {
    if (this.fingerprintValue === undefined) {
      this.flush();
      this.fingerprintValue = this.hash.digest('hex').slice(0, 16);
    }
    return this.fingerprintValue;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    // A trailing empty line gives the batch its final newline inside the one join (appending it
    // after the join made a second string that the hash then copied flat again).
    this.pending.push('');
    this.hash.update(this.pending.join('\n'));
    this.pending = [];
  }
}

export function formatRecord(r: TraceRecord): string {
  return `${(r.time / 1000).toFixed(3).padStart(9)}s  ${r.node.padEnd(8)} ${r.kind.padEnd(7)} ${r.topic ? `[${r.topic}] ` : ''}${r.detail}`;
}
