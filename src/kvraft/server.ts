// One replica of the key/value service. Every request, reads included, is a command in the Raft
// log; a handler submits it, then waits until the applier reaches the command's index and reports
// whether the entry there is its own. Writes carry (clientId, seq) so a retried write that is
// already in the log is applied once. When the persisted Raft state reaches maxraftstate the
// service hands Raft a snapshot of the store, duplicate table included.
import type { ClientEnd, Handler, PersisterApi, Runtime, Timer } from '../../harness/api';
import type { ApplyMsg, RaftModule, RaftPeer } from '../../harness/contracts/raft';
import type { KVServer as KVServerContract } from '../../harness/contracts/kvraft';
import { ErrWrongLeader, fromCommand, OK, toCommand, type GetArgs, type GetReply, type Op, type OpResult, type PutAppendArgs, type PutAppendReply } from './common';
import { KVStore, type StoreImage } from './store';

/** A handler gives up on an entry that has not been applied after this long (a minority leader). */
export const APPLY_TIMEOUT_MS = 500;
/** While requests wait, leadership is re-checked this often, so a deposed leader answers quickly. */
export const WATCH_INTERVAL_MS = 50;

interface Waiter {
  readonly op: Op;
  readonly term: number;
  readonly deadline: number;
  resolve(result: OpResult): void;
}

const WRONG_LEADER: OpResult = { err: ErrWrongLeader, value: '' };

export class KVServerImpl implements KVServerContract {
  readonly raft: RaftPeer;
  readonly handlers: Readonly<Record<string, Handler>>;
  protected readonly store = new KVStore();
  protected lastApplied = 0;
  protected dead = false;
  /** Handlers waiting for the entry at a log index. */
  private readonly waiters = new Map<number, Waiter>();
  private watchdog: Timer | undefined;

  constructor(
    servers: ClientEnd[],
    readonly me: number,
    protected readonly persister: PersisterApi,
    readonly maxraftstate: number,
    protected readonly runtime: Runtime,
    makeRaft: RaftModule['makeRaft'],
  ) {
    this.restoreFromBytes(persister.readSnapshot());
    this.raft = makeRaft(servers, me, persister, (msg) => this.onApply(msg), runtime);
    this.handlers = {
      Get: (args: GetArgs) => this.get(args),
      PutAppend: (args: PutAppendArgs) => this.putAppend(args),
    };
  }

  kill(): void {
    this.dead = true;
    this.raft.kill();
    this.watchdog?.cancel();
    this.watchdog = undefined;
  }

  protected async get(args: GetArgs): Promise<GetReply> {
    const result = await this.submit({ kind: 'Get', key: args.key, value: '', clientId: args.clientId, seq: args.seq });
    return { err: result.err, value: result.value };
  }

  protected async putAppend(args: PutAppendArgs): Promise<PutAppendReply> {
    if (args.op !== 'Put' && args.op !== 'Append' && args.op !== 'Delete') throw new Error(`PutAppend: unknown op ${String(args.op)}`);
    // Already applied: answering from any replica is safe, the write is in the committed log.
    if (this.isDuplicate(args.clientId, args.seq)) return { err: OK };
    const result = await this.submit({ kind: args.op, key: args.key, value: args.value, clientId: args.clientId, seq: args.seq });
    return { err: result.err };
  }

  /** Appends `op` to the log and waits for its outcome. */
  protected submit(op: Op): Promise<OpResult> {
    if (this.dead) return Promise.resolve(WRONG_LEADER);
    const { index, term, isLeader } = this.raft.start(toCommand(op));
    if (!isLeader) return Promise.resolve(WRONG_LEADER);
    return new Promise((resolve) => {
      // A new entry at an index we wait on means our old entry there was overwritten.
      this.waiters.get(index)?.resolve(WRONG_LEADER);
      this.waiters.set(index, { op, term, deadline: this.runtime.now() + APPLY_TIMEOUT_MS, resolve });
      this.armWatchdog();
    });
  }

  protected isDuplicate(clientId: number, seq: number): boolean {
    return this.store.isDuplicate(clientId, seq);
  }

  /** Raft's apply sink: messages arrive in log order, one at a time. */
  private async onApply(msg: ApplyMsg): Promise<void> {
    if (this.dead) return;
    if (msg.snapshotValid) {
      if (msg.snapshotIndex <= this.lastApplied) return;
      this.restoreFromBytes(msg.snapshot);
      if (this.lastApplied !== msg.snapshotIndex) {
        throw new Error(`KVServer ${this.me}: snapshot for index ${msg.snapshotIndex} holds an image of index ${this.lastApplied}`);
      }
      // Entries the snapshot covers may or may not be ours: let their clerks retry.
      for (const [index, w] of this.waiters) {
        if (index <= msg.snapshotIndex) {
          this.waiters.delete(index);
          w.resolve(WRONG_LEADER);
        }
      }
      return;
    }
    if (!msg.commandValid) return;
    const index = msg.commandIndex;
    if (index <= this.lastApplied) return; // already in the store through a snapshot
    if (index !== this.lastApplied + 1) {
      throw new Error(`KVServer ${this.me}: Raft applied index ${index} after ${this.lastApplied}: entries must arrive in order without gaps`);
    }
    const op = fromCommand(msg.command);
    const result = this.applyOp(op);
    this.lastApplied = index;
    const w = this.waiters.get(index);
    if (w) {
      this.waiters.delete(index);
      w.resolve(w.op.clientId === op.clientId && w.op.seq === op.seq ? result : WRONG_LEADER);
    }
    if (this.maxraftstate !== -1 && this.persister.raftStateSize() >= this.maxraftstate) this.takeSnapshot(index);
  }

  protected applyOp(op: Op): OpResult {
    return this.store.apply(op, op.kind !== 'Get' && this.isDuplicate(op.clientId, op.seq));
  }

  /** Captures the store through `index` and lets Raft trim its log. */
  protected takeSnapshot(index: number): void {
    this.raft.snapshot(index, this.encodeImage(index));
  }

  protected encodeImage(index: number): Uint8Array {
    return this.runtime.codec.encode(this.store.image(index));
  }

  private restoreFromBytes(bytes: Uint8Array): void {
    const image: StoreImage | undefined = KVStore.decode(this.runtime.codec, bytes);
    if (!image) return;
    this.store.restore(image);
    this.lastApplied = image.index;
  }

  /** Fails waiters whose leader was deposed or whose entry is overdue; re-arms while any wait. */
  private armWatchdog(): void {
    if (this.watchdog?.pending || this.dead) return;
    this.watchdog = this.runtime.setTimer(
      WATCH_INTERVAL_MS,
      () => {
        this.watchdog = undefined;
        if (this.dead) return;
        const { term, isLeader } = this.raft.getState();
        const now = this.runtime.now();
        for (const [index, w] of this.waiters) {
          if (!isLeader || term !== w.term || now >= w.deadline) {
            this.waiters.delete(index);
            w.resolve(WRONG_LEADER);
          }
        }
        if (this.waiters.size > 0) this.armWatchdog();
      },
      'kv request watchdog',
    );
  }
}
