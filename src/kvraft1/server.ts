// One replica of the key/value service on the rsm layer: the versioned store of lab 2 as the rsm's
// state machine. Every Get and Put is submitted to the rsm and answered with what the store
// returned when the command was applied; a replica whose rsm cannot answer says ErrWrongLeader.
// No table of clients: a put is made safe to retry by its version, as in lab 2.
import type { ClientEnd, Handler, PersisterApi, Runtime } from '../../harness/api';
import type { KVServer } from '../../harness/contracts/kvraft1';
import type { RSM, RSMModule, StateMachine } from '../../harness/contracts/rsm';
import type { RaftPeer } from '../../harness/contracts/raft';
import {
  ErrWrongLeader,
  type Command,
  type GetArgs,
  type GetReply,
  type PutArgs,
  type PutReply,
  type Version,
} from './common';

export interface Entry {
  value: string;
  version: Version;
}

export class KVServerImpl implements KVServer, StateMachine {
  protected store = new Map<string, Entry>();
  readonly rsm: RSM;
  readonly handlers: Readonly<Record<string, Handler>>;

  constructor(
    servers: ClientEnd[],
    readonly me: number,
    persister: PersisterApi,
    maxraftstate: number,
    readonly runtime: Runtime,
    makeRSM: RSMModule['makeRSM'],
  ) {
    this.handlers = {
      Get: (args: GetArgs) => this.get(args),
      Put: (args: PutArgs) => this.put(args),
    };
    this.rsm = makeRSM(servers, me, persister, maxraftstate, this, runtime);
  }

  get raft(): RaftPeer {
    return this.rsm.raft;
  }

  async get(args: GetArgs): Promise<GetReply> {
    const r = await this.rsm.submit({ op: 'get', key: args.key } satisfies Command);
    if (r.err !== 'OK') return { value: '', version: 0, err: ErrWrongLeader };
    return r.value as GetReply;
  }

  async put(args: PutArgs): Promise<PutReply> {
    const command: Command = { op: 'put', key: args.key, value: args.value, version: args.version };
    const r = await this.rsm.submit(command);
    if (r.err !== 'OK') return { err: ErrWrongLeader };
    return r.value as PutReply;
  }

  /** Executes one committed command on the store (the rsm calls it on every replica, in log order). */
  doOp(req: unknown): GetReply | PutReply {
    const command = req as Command;
    return command.op === 'get' ? this.applyGet(command) : this.applyPut(command);
  }

  protected applyGet(args: GetArgs): GetReply {
    const entry = this.store.get(args.key);
    if (!entry) return { value: '', version: 0, err: 'ErrNoKey' };
    return { value: entry.value, version: entry.version, err: 'OK' };
  }

  protected applyPut(args: PutArgs): PutReply {
    const entry = this.store.get(args.key);
    const current = entry?.version ?? 0;
    if (args.version !== current) return { err: entry ? 'ErrVersion' : 'ErrNoKey' };
    this.store.set(args.key, { value: args.value, version: current + 1 });
    return { err: 'OK' };
  }

  snapshot(): Uint8Array {
    return this.runtime.codec.encode([...this.store]);
  }

  restore(data: Uint8Array): void {
    this.store = new Map(this.runtime.codec.decode<[string, Entry][]>(data));
  }

  kill(): void {
    this.rsm.kill();
  }
}
