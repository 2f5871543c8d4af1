// The course's shardkv1 test.go helpers on the lab 5 fixture: setupKVService, join and leave
// through a controller, checkShutdownSharding, partitionCtrler (5B, 5C) and concurCtrler (5C), and
// the kvtest1 helpers the tests use (SpreadPuts, OneClientPut).
import type { Clerk, ShardCtrler, Version } from '../../../harness/contracts/shardkv1';
import { fail, type TestContext } from '../../../harness/scenario';
import { background } from '../../lab2/raft-scenario';
import { Lab5Cluster, type ClientNode } from './cluster';
import {
  asConfig,
  copyConfig,
  GID1,
  isMember,
  joinBalance,
  leaveBalance,
  makeShardConfig,
  type ShardConfig,
} from './shardcfg';

/** Virtual milliseconds between group changes (the course's INTERGRPDELAY). */
export const INTERGRPDELAY = 200;
export const NSHARDS_KEYS = 5 * 12;

export class Lab5Test extends Lab5Cluster {
  sck!: ShardCtrler;
  private ngid = GID1 + 1;
  /** Whether partitionCtrler reconnects the old controller and waits for its lease (5C). */
  partitionMode = false;

  constructor(t: TestContext, title: string, reliable: boolean, maxraftstate = -1) {
    super(t, reliable, maxraftstate);
    this.begin(title);
  }

  newGid(): number {
    return this.ngid++;
  }

  groupsOf(n: number): number[] {
    return Array.from({ length: n }, () => this.newGid());
  }

  async query(sck: ShardCtrler): Promise<ShardConfig> {
    return asConfig(await sck.query(), 'query()');
  }

  /** The course's setupKVService: the tester's controller, group Gid1 and the first configuration. */
  async setupKVService(): Promise<number> {
    this.sck = this.makeShardCtrler().sck;
    const scfg = makeShardConfig();
    this.makeGroupStart(GID1);
    joinBalance(scfg, { [GID1]: this.srvNames(GID1) });
    await this.sck.initConfig(scfg);
    return GID1;
  }

  async checkMember(sck: ShardCtrler, gid: number): Promise<boolean> {
    return isMember(await this.query(sck), gid);
  }

  async join(sck: ShardCtrler, gid: number, srvs: string[]): Promise<void> {
    const newcfg = copyConfig(await this.query(sck));
    if (!joinBalance(newcfg, { [gid]: srvs }))
      throw new Error(`join: group ${gid} is already present`);
    this.note(`join ${gid} (configuration ${newcfg.num})`);
    await sck.changeConfigTo(newcfg);
  }

  async joinGroups(sck: ShardCtrler, gids: readonly number[]): Promise<boolean> {
    for (const gid of gids) {
      this.makeGroupStart(gid);
      await this.join(sck, gid, this.srvNames(gid));
      if (!(await this.checkMember(sck, gid))) return false;
      await this.sleep(INTERGRPDELAY, 'between group changes');
    }
    return true;
  }

  async leave(sck: ShardCtrler, gid: number): Promise<void> {
    const newcfg = copyConfig(await this.query(sck));
    if (!leaveBalance(newcfg, [gid])) throw new Error(`leave: group ${gid} is already not present`);
    this.note(`leave ${gid} (configuration ${newcfg.num})`);
    await sck.changeConfigTo(newcfg);
  }

  async leaveGroups(sck: ShardCtrler, gids: readonly number[]): Promise<boolean> {
    for (const gid of gids) {
      await this.leave(sck, gid);
      if (await this.checkMember(sck, gid)) return false;
      this.exitGroup(gid);
      await this.sleep(INTERGRPDELAY, 'between group changes');
    }
    return true;
  }

  /** kvtest1's SpreadPutsSize: n keys k0.. with random values, each put at version 0, then read. */
  async spreadPuts(ck: Clerk, n: number, valsz = 20): Promise<[string[], string[]]> {
    const ka = makeKeys(n);
    const va = ka.map(() => this.randString(valsz));
    for (let i = 0; i < n; i++) await this.put(ck, ka[i], va[i], 0, 0);
    for (let i = 0; i < n; i++) await this.checkGet(ck, ka[i], va[i], 1);
    return [ka, va];
  }

  async checkGets(ck: Clerk, ka: readonly string[], va: readonly string[]): Promise<void> {
    for (let i = 0; i < ka.length; i++) await this.checkGet(ck, ka[i], va[i], 1);
  }

  randString(n: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.t.rng.int(alphabet.length)];
    return s;
  }

  /**
   * The course's checkShutdownSharding: with group `down` shut down, a fresh clerk per key gets
   * it; waiting until no get completes for 2 s, fewer than all must have (the data really is
   * sharded); every completed get read the right value. Then the group restarts.
   */
  async checkShutdownSharding(down: number, ka: string[], va: string[]): Promise<void> {
    const NSEC = 2000;
    this.shutdownGroup(down);
    let ndone = 0;
    let last = this.t.sim.now();
    let stopped = false;
    for (let i = 0; i < ka.length; i++) {
      const ck1 = this.makeClerk();
      void background(this.t, `checkShutdownSharding get ${ka[i]}`, async () => {
        const r = await ck1.get(ka[i]);
        if (stopped) return;
        if (r.value !== va[i])
          fail('wrong-value', `Get(${ka[i]}): expected:\n${va[i]}\nreceived:\n${r.value}`);
        ndone++;
        last = this.t.sim.now();
      });
    }
    for (let waitedFrom = last; ; waitedFrom = last) {
      await this.sleep(waitedFrom + NSEC - this.t.sim.now(), 'gets while a group is down');
      if (last === waitedFrom) break;
    }
    stopped = true;
    if (ndone >= ka.length)
      fail(
        'shard-availability',
        `expected less than ${ka.length} completions with shard ${down} down`,
      );
    this.startServers(down);
  }

  /**
   * The course's partitionCtrler: a controller joins and leaves new groups in a loop; after
   * 1 s + U[0, 400) ms group `gid` goes down so that the controller gets stuck in a change, and 1 s
   * later the controller is cut off. A new controller must finish that change (the configuration
   * moved past the one before, the group in or out as the change said); 5C reconnects the old one.
   * Ours: the change counts as begun only if a Put of the old controller reached the key/value
   * server after the tester marked it; otherwise the configuration from before it is expected.
   */
  async partitionCtrler(ck: Clerk, gid: number, ka: string[], va: string[]): Promise<void> {
    const { sck, node } = this.makeShardCtrler();
    await sck.initController();
    const num = (await this.query(this.sck)).num;
    let state: 'join' | 'leave' | undefined;
    let ngid = 0;
    let putsAtMark = 0;
    const mark = (change: 'join' | 'leave'): void => {
      state = change;
      putsAtMark = this.putsReceivedFrom(node);
    };
    void background(this.t, 'controller joining and leaving', async () => {
      for (;;) {
        ngid = this.newGid();
        mark('join');
        await this.joinGroups(sck, [ngid]);
        if (!(await this.checkMember(sck, ngid))) return;
        mark('leave');
        await this.leaveGroups(sck, [ngid]);
      }
    });
    await this.sleep(1000, 'let the controller run');
    await this.sleep(this.t.rng.int(400), 'a random while longer');
    this.shutdownGroup(gid);
    await this.sleep(1000, 'the controller gets stuck in a change');
    this.setConnected(node, false);
    if (this.partitionMode) await this.sleep(1000, 'before restarting the group');
    this.startServers(gid);
    const { sck: sck0, node: node0 } = this.makeShardCtrler();
    await sck0.initController();
    const cfg = await this.query(sck0);
    if (cfg.num <= num) fail('config-recovered', `didn't recover; expected ${cfg.num} > ${num}`);
    const begun = this.putsReceivedFrom(node) > putsAtMark;
    const present = this.checkRecovered(cfg, ngid, state, begun);
    // A leave that had not begun is the old controller's to finish once 5C reconnects it (it
    // throws on a group already gone); otherwise the group goes, as after the course's join.
    if (present && (state === 'join' || !this.partitionMode)) await this.leaveGroups(sck0, [ngid]);
    if (this.partitionMode) {
      this.setConnected(node, true);
      await this.sleep(100, 'the old controller reconnected');
    }
    await this.checkGets(ck, ka, va);
    this.deleteNode(node);
    this.deleteNode(node0);
  }

  /**
   * Whether group `ngid` is in the recovered configuration, failing if that is not what the marked
   * change asks for: begun (one of its writes reached the key/value server), its outcome; not
   * begun (marked just before the cut, nothing of it recorded anywhere), the state before it.
   */
  private checkRecovered(
    cfg: ShardConfig,
    ngid: number,
    state: 'join' | 'leave' | undefined,
    begun: boolean,
  ): boolean {
    const present = isMember(cfg, ngid);
    if (state === undefined) return present;
    const joined = begun ? state === 'join' : state === 'leave';
    if (present !== joined) {
      const how = begun ? 'after' : 'before (none of its writes reached the key/value server)';
      fail('config-recovered', `didn't recover ${ngid} correctly ${how} ${state}`);
    }
    if (!begun)
      this.note(`${state} ${ngid} had not begun at the cut: expected the state before it`);
    return present;
  }

  /** The course's concurCtrler: N controllers join and leave new groups at once for NSEC; then reads. */
  async concurCtrler(ck: Clerk, ka: string[], va: string[]): Promise<void> {
    const NSEC = 2000;
    const N = 4;
    let stop = false;
    const workers = Array.from({ length: N }, (_, i) =>
      background(this.t, `controller worker ${i}`, async () => {
        while (!stop) {
          const ngid = this.newGid();
          const { sck } = this.makeShardCtrler();
          await sck.initController();
          await this.joinGroups(sck, [ngid]);
          if (await this.checkMember(sck, ngid)) await this.leaveGroups(sck, [ngid]);
        }
      }),
    );
    await this.sleep(NSEC, 'controllers compete');
    stop = true;
    await Promise.all(workers);
    await this.checkGets(ck, ka, va);
  }

  /** kvtest1's OnePut: puts { Id, V } at `ver` until its own put surely or maybe took; the version seen. */
  async onePut(
    me: number,
    ck: Clerk,
    key: string,
    ver: Version,
  ): Promise<{ ver: Version; ok: boolean }> {
    for (;;) {
      const err = await this.put(ck, key, JSON.stringify({ Id: me, V: ver }), ver, me);
      if (!(err === 'OK' || err === 'ErrVersion' || err === 'ErrMaybe'))
        fail('put-version', `Wrong error ${err}`);
      const r = await this.get(ck, key, me);
      if (r.err !== 'OK') fail('wrong-value', `${me}: Get ${key} err ${r.err}`);
      const e = JSON.parse(r.value) as { Id: number; V: number };
      if (err === 'OK' && r.version === ver + 1 && e.Id !== me && e.V !== ver)
        fail('wrong-value', `Wrong value ${r.value}`);
      ver = r.version;
      if (err === 'OK' || err === 'ErrMaybe') return { ver, ok: err === 'OK' };
    }
  }

  /** Clients, each on a fresh clerk, OnePut on ka[0] for `ms`; resolves when all have stopped. */
  spawnClients(nclnt: number, ms: number, key: string): Promise<unknown> {
    let stop = false;
    const clients = Array.from({ length: nclnt }, (_, cli) =>
      background(this.t, `client ${cli}`, async () => {
        const ck = this.makeClerk();
        let ver: Version = 0;
        while (!stop) ver = (await this.onePut(cli, ck, key, ver)).ver;
      }),
    );
    void this.sleep(ms, 'clients run').then(() => (stop = true));
    return Promise.all(clients);
  }

  /** The course's disconnectClntFromLeader: the group's Raft leader cut off from everyone. */
  async disconnectLeader(gid: number): Promise<void> {
    let l = this.leader(gid);
    while (l === undefined) {
      await this.sleep(100, 'a leader in the group');
      l = this.leader(gid);
    }
    this.disconnectServer(gid, l);
  }

  deleteCtrlerNode(node: ClientNode): void {
    this.deleteNode(node);
  }
}

export function makeKeys(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `k${i}`);
}

/** Runs `body` on a fresh fixture begun with the course's title; end() and cleanup() after. */
export async function withLab5(
  t: TestContext,
  title: string,
  reliable: boolean,
  body: (ts: Lab5Test) => Promise<void>,
  maxraftstate = -1,
): Promise<void> {
  const ts = new Lab5Test(t, title, reliable, maxraftstate);
  try {
    await body(ts);
    ts.end();
  } finally {
    ts.cleanup();
  }
}
