// One replica of the key/value service. Every request, reads included, is a command in the Raft
// log; a handler submits it and waits for its outcome (pending.ts). Writes carry (clientId, seq) so a retried write that is
// already in the log is applied once. When the persisted Raft state reaches maxraftstate the
// service hands Raft a snapshot of the store, duplicate table included.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../../harness/api';
import type { ApplyMsg, RaftModule, RaftPeer } from '../../harness/contracts/raft';
import type { KVServer as KVServerContract } from '../../harness/contracts/kvraft';
import {
  ErrWrongLeader,
  fromCommand,
  OK,
  toCommand,
  type GetArgs,
  type GetReply,
  type Op,
  type OpResult,
  type PutAppendArgs,
  type PutAppendReply,
} from './common';
import { PendingRequests, sameRequest, type RequestId } from './pending';
import { KVStore, type StoreImage } from './store';

const WRONG_LEADER: OpResult = Object.freeze({ err: ErrWrongLeader, value: '' });

export class KVServerImpl implements KVServerContract {
  readonly raft: RaftPeer;
  readonly handlers: Readonly<Record<string, Handler>>;
  protected readonly store = new KVStore();
  protected lastApplied = 0;
  protected dead = false;
  private readonly pending: PendingRequests<OpResult>;

  constructor(
    servers: ClientEnd[],
    readonly me: number,
    protected readonly persister: PersisterApi,
    readonly maxraftstate: number,
    protected readonly runtime: Runtime,
    makeRaft: RaftModule['makeRaft'],
  ) {
    this.pending = new PendingRequests(
      runtime,
      () => this.raft,
      WRONG_LEADER,
      'kv request watchdog',
      (waiting, applied) => this.isOwnCommand(waiting, applied),
    );
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
    this.pending.stop();
  }

  protected async get(args: GetArgs): Promise<GetReply> {
    const result = await this.submit({
      kind: 'Get',
      key: args.key,
      value: '',
      clientId: args.clientId,
      seq: args.seq,
    });
    return { err: result.err, value: result.value };
  }

  protected async putAppend(args: PutAppendArgs): Promise<PutAppendReply> {
    if (args.op !== 'Put' && args.op !== 'Append' && args.op !== 'Delete')
      throw new Error(`PutAppend: unknown op ${String(args.op)}`);
    // Already applied: answering from any replica is safe, the write is in the committed log.
    if (this.isDuplicate(args.clientId, args.seq)) return { err: OK };
    const result = await this.submit({
      kind: args.op,
      key: args.key,
      value: args.value,
      clientId: args.clientId,
      seq: args.seq,
    });
    return { err: result.err };
  }

  /** Appends `op` to the log and waits for its outcome. */
  protected submit(op: Op): Promise<OpResult> {
    if (this.dead) return Promise.resolve(WRONG_LEADER);
    return this.pending.submit(toCommand(op), op);
  }

  /** Whether the command applied at a waiting request's index is that request (not another's). */
  protected isOwnCommand(waiting: RequestId, applied: RequestId): boolean {
    return sameRequest(waiting, applied);
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
      this.runtime.invariant(
        this.lastApplied === msg.snapshotIndex,
        () =>
          `KVServer ${this.me}: snapshot for index ${msg.snapshotIndex} holds an image of index ${this.lastApplied}`,
      );
      this.pending.abandonThrough(msg.snapshotIndex);
      return;
    }
    if (!msg.commandValid) return;
    const index = msg.commandIndex;
    if (index <= this.lastApplied) return; // already in the store through a snapshot
    this.runtime.invariant(
      index === this.lastApplied + 1,
      () =>
        `KVServer ${this.me}: Raft applied index ${index} after ${this.lastApplied}: entries must arrive in order without gaps`,
    );
    const op = fromCommand(msg.command);
    const result = this.applyOp(op);
    this.lastApplied = index;
    this.pending.applied(index, op, result);
    if (this.maxraftstate !== -1 && this.persister.raftStateSize() >= this.maxraftstate)
      this.takeSnapshot(index);
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
}
