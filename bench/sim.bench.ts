// Simulator and network throughput, and the start-up cost that decided how workers run code.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Simulator } from '../engine/sim/simulator';
import { Network, Server, Service } from '../engine/rpc';
import type { ClientEnd } from '../harness/api';

export const title = 'Simulator, network and start-up';
export const order = 10;

const ROOT = path.resolve(__dirname, '..', '..');

function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  return fn().then((value) => ({ value, ms: performance.now() - t0 }));
}

/** Timer events only: 10 nodes each sleeping 1 ms in a loop. */
async function eventsPerSecond(total: number): Promise<{ events: number; ms: number }> {
  const sim = new Simulator(1);
  const { ms } = await timed(() =>
    sim.run(async () => {
      const per = total / 10;
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const n = sim.node(`n${i}`);
          for (let k = 0; k < per; k++) await n.sleep(1);
        }),
      );
    }),
  );
  return { events: sim.eventsRun, ms };
}

/** Sequential round trips on a reliable network, 4 clients, small args and replies. */
async function roundTrips(total: number): Promise<{ calls: number; ms: number }> {
  const sim = new Simulator(1);
  const net = new Network(sim);
  net.addServer(
    's',
    new Server().addService(
      new Service('Echo', { Ping: (a: { term: number }) => ({ term: a.term, success: true }) }),
    ),
  );
  const { ms } = await timed(() =>
    sim.run(async () => {
      await Promise.all(
        Array.from({ length: 4 }, async (_, c) => {
          const end = net.makeEnd(`c${c}`, sim.node(`client${c}`));
          net.connect(`c${c}`, 's');
          net.enable(`c${c}`, true);
          for (let k = 0; k < total / 4; k++)
            await end.call('Echo.Ping', { term: k, leaderId: c, entries: [] });
        }),
      );
    }),
  );
  return { calls: net.getTotalCount(), ms };
}

/** 5 nodes, each sending a heartbeat to its 4 peers 10 times a second. */
async function idleCluster(virtualSeconds: number): Promise<{ ms: number; rpcs: number }> {
  const sim = new Simulator(1);
  const net = new Network(sim);
  net.setLongDelays(true);
  const n = 5;
  const ends: ClientEnd[][] = [];
  for (let i = 0; i < n; i++) {
    net.addServer(
      i,
      new Server().addService(
        new Service('Raft', {
          AppendEntries: (a: { term: number }) => ({ term: a.term, success: true }),
        }),
      ),
    );
  }
  const { ms } = await timed(() =>
    sim.run(async () => {
      for (let i = 0; i < n; i++) {
        const rt = sim.node(String(i));
        ends[i] = Array.from({ length: n }, (_, j) => {
          const end = net.makeEnd(`${i}-${j}`, rt);
          net.connect(`${i}-${j}`, j);
          net.enable(`${i}-${j}`, true);
          return end;
        });
        const beat = () => {
          for (let j = 0; j < n; j++)
            if (j !== i)
              void ends[i][j].call('Raft.AppendEntries', {
                term: 1,
                leaderId: i,
                prevLogIndex: 0,
                prevLogTerm: 0,
                entries: [],
                leaderCommit: 0,
              });
          rt.setTimer(100, beat, 'heartbeat');
        };
        beat();
      }
      await sim.node('tester').sleep(virtualSeconds * 1000);
    }),
  );
  return { ms, rpcs: net.getTotalCount() };
}

function startup(args: string[], runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

export async function run(): Promise<string> {
  const ev = await eventsPerSecond(1_000_000);
  const rt = await roundTrips(200_000);
  const idle = await idleCluster(600);
  const compiled = startup(['-e', "require('./dist/labs'); require('./dist/harness/scenario')"]);
  const tsNode = startup(
    ['-r', 'ts-node/register', '-e', "require('./labs'); require('./harness/scenario')"],
    3,
  );
  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  return [
    '| measure | figure |',
    '|---|---|',
    `| timer events per real second (10 nodes, 1,000,000 sleeps) | ${f(ev.events / (ev.ms / 1000))} |`,
    `| RPC round trips per real second (reliable, 4 clients, ${f(rt.calls)} calls, codec on every hop) | ${f(rt.calls / (rt.ms / 1000))} |`,
    `| idle 5-node cluster, 10 heartbeats/s to each peer: virtual seconds per real second | ${f(600 / (idle.ms / 1000))} (600 virtual s, ${f(idle.rpcs)} RPCs, in ${f(idle.ms)} ms) |`,
    `| start-up: node loading the compiled suites (median of 5) | ${f(compiled)} ms |`,
    `| start-up: ts-node with type checking loading the same (median of 3) | ${f(tsNode)} ms |`,
    '',
    'Grader workers and `npm test` therefore run compiled JavaScript: `tsc` runs once (in `prepare`,',
    'and incrementally before `test`, `grade` and `bench`), and every worker process starts in tens of',
    'milliseconds instead of seconds.',
  ].join('\n');
}
