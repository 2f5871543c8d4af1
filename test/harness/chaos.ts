// A randomised workload for determinism checks: five nodes calling each other at random over an
// unreliable network with long reordering, while the scenario partitions, crashes and restarts
// them. Runnable as a script: `node dist/test/harness/chaos.js SEED` prints its fingerprint.
import { Simulator, type NodeRuntime } from '../../engine/sim/simulator';
import { Network, Server, Service } from '../../engine/rpc';
import type { ClientEnd } from '../../harness/api';

export interface ChaosResult {
  fingerprint: string;
  rpcs: number;
  crashes: number;
  virtualMs: number;
}

export async function runChaos(seed: number, minRpcs = 10_000): Promise<ChaosResult> {
  const sim = new Simulator(seed);
  const net = new Network(sim);
  net.setLongDelays(true);
  const n = 5;
  const rng = sim.rng('test');
  const runtimes: NodeRuntime[] = [];
  const ends: ClientEnd[][] = [];
  const endNames: string[][] = [];
  let crashes = 0;

  const startNode = (i: number) => {
    const rt = sim.node(`n${i}`);
    runtimes[i] = rt;
    let counter = 0;
    net.addServer(
      i,
      new Server().addService(
        new Service('Echo', {
          Ping: async (args: { from: number; payload: string }) => {
            if (rt.randomInt(4) === 0) await rt.sleep(rt.randomInt(50));
            return { echo: args.payload.length, seen: ++counter };
          },
        }),
      ),
    );
    ends[i] = [];
    endNames[i] = [];
    for (let j = 0; j < n; j++) {
      const name = `${i}->${j}#${rt.incarnation}`;
      ends[i][j] = net.makeEnd(name, rt);
      endNames[i][j] = name;
      net.connect(name, j);
      net.enable(name, true);
    }
    // Each node keeps four concurrent callers busy.
    for (let w = 0; w < 4; w++) {
      void (async () => {
        for (;;) {
          await rt.sleep(rt.randomInt(20));
          const to = rt.randomInt(n);
          await ends[i][to].call('Echo.Ping', { from: i, payload: 'x'.repeat(rt.randomInt(64)) });
        }
      })();
    }
  };

  const setLink = (i: number, j: number, on: boolean) => {
    if (endNames[i]?.[j]) net.enable(endNames[i][j], on);
  };

  await sim.run(async () => {
    for (let i = 0; i < n; i++) startNode(i);
    const tester = sim.node('tester');
    while (net.getTotalCount() < minRpcs) {
      await tester.sleep(200 + rng.int(300));
      const action = rng.int(6);
      if (action === 0) {
        // Partition: a random subset cannot talk to the rest.
        const side = Array.from({ length: n }, () => rng.chance(0.5));
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) setLink(i, j, side[i] === side[j]);
      } else if (action === 1) {
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) setLink(i, j, true);
      } else if (action === 2) {
        const victim = rng.int(n);
        net.deleteServer(victim);
        runtimes[victim].crash();
        crashes++;
        await tester.sleep(rng.int(500));
        startNode(victim);
      } else if (action === 3) {
        net.setReliable(rng.chance(0.5));
      } else if (action === 4) {
        net.setLongReordering(rng.chance(0.3));
      }
    }
  });
  return {
    fingerprint: sim.trace.fingerprint(),
    rpcs: net.getTotalCount(),
    crashes,
    virtualMs: sim.now(),
  };
}

if (require.main === module) {
  runChaos(Number(process.argv[2] ?? 1)).then((r) => console.log(JSON.stringify(r)));
}
