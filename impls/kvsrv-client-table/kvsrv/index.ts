// Buggy variant: each clerk names itself in its puts and the server remembers, per clerk, the
// last value it put (a duplicate table the versions make needless): state that grows with the
// number of clients.
import type { ClientEnd, Runtime } from '../../../harness/api';
import {
  ClerkImpl,
  KVServerImpl,
  type Err,
  type PutArgs,
  type PutReply,
  type Version,
} from '../../../src/kvsrv';

interface NamedPut extends PutArgs {
  client: number;
}

class TableServer extends KVServerImpl {
  private readonly lastPut = new Map<number, string>();

  override put(args: PutArgs): PutReply {
    const reply = super.put(args);
    if (reply.err === 'OK') this.lastPut.set((args as NamedPut).client, args.value);
    return reply;
  }
}

class NamingClerk extends ClerkImpl {
  private readonly client: number;

  constructor(server: ClientEnd, runtime: Runtime) {
    super(server, runtime);
    this.client = runtime.randomInt(2 ** 31);
  }

  override async put(key: string, value: string, version: Version): Promise<Err> {
    const args: NamedPut = { key, value, version, client: this.client };
    for (let attempt = 0; ; attempt++) {
      const reply = await this.server.call<PutReply>('KVServer.Put', args);
      if (reply) return this.outcome(reply.err, attempt);
      await this.runtime.sleep(100, 'put retry');
    }
  }
}

export function makeKVServer(runtime: Runtime) {
  return new TableServer(runtime);
}

export function makeClerk(server: ClientEnd, runtime: Runtime) {
  return new NamingClerk(server, runtime);
}
