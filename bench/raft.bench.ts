// Raft 2A–2D on the reference implementation: every test once on seed 1 (the course's closing
// statistics plus real time), the mean RPC count over seeds 1..RAFT_BENCH_SEEDS (default 10), and
// whole-part real and CPU time, next to a Go solution's figures on the original suites measured on
// this kind of machine (a public 6.824 solution, 2022
// numbering, Go 1.19, one run per part on 2 cores).
import { executeRun } from '../labs/run';
import * as os from 'node:os';
import { partTests } from '../labs';
import { Implementation } from '../harness/impl';
import { type LabPart, type RunResult } from '../harness/scenario';

export const title = 'Raft 2A–2D: per-test figures';
export const order = 20;

interface GoFigures {
  s: number;
  rpcs: number;
  bytes: number;
  cmds: number;
}

/** The public Go solution's "Passed" lines on the original suites (time, rpcs, bytes, commands). */
export const GO_TESTS: Record<string, GoFigures> = {
  TestInitialElection2A: { s: 3.0, rpcs: 56, bytes: 15494, cmds: 0 },
  TestReElection2A: { s: 4.5, rpcs: 114, bytes: 22972, cmds: 0 },
  TestManyElections2A: { s: 5.5, rpcs: 547, bytes: 110563, cmds: 0 },
  TestBasicAgree2B: { s: 0.8, rpcs: 17, bytes: 4709, cmds: 3 },
  TestRPCBytes2B: { s: 1.6, rpcs: 50, bytes: 124658, cmds: 11 },
  TestFailAgree2B: { s: 5.8, rpcs: 126, bytes: 33659, cmds: 8 },
  TestFailNoAgree2B: { s: 3.6, rpcs: 193, bytes: 40637, cmds: 3 },
  TestConcurrentStarts2B: { s: 0.7, rpcs: 11, bytes: 3051, cmds: 6 },
  TestRejoin2B: { s: 6.1, rpcs: 170, bytes: 42377, cmds: 4 },
  TestBackup2B: { s: 16.5, rpcs: 1774, bytes: 1392091, cmds: 102 },
  TestCount2B: { s: 2.2, rpcs: 41, bytes: 11978, cmds: 12 },
  TestPersist12C: { s: 3.6, rpcs: 87, bytes: 21655, cmds: 6 },
  TestPersist22C: { s: 22.1, rpcs: 1313, bytes: 272733, cmds: 16 },
  TestPersist32C: { s: 2.5, rpcs: 42, bytes: 10060, cmds: 4 },
  TestFigure82C: { s: 34.9, rpcs: 1121, bytes: 244246, cmds: 46 },
  TestUnreliableAgree2C: { s: 1.9, rpcs: 240, bytes: 90702, cmds: 246 },
  TestFigure8Unreliable2C: { s: 32.5, rpcs: 8677, bytes: 43503499, cmds: 23 },
  TestReliableChurn2C: { s: 16.1, rpcs: 5679, bytes: 12623838, cmds: 1924 },
  TestUnreliableChurn2C: { s: 16.4, rpcs: 3824, bytes: 2741724, cmds: 1011 },
  TestSnapshotBasic2D: { s: 5.4, rpcs: 164, bytes: 86476, cmds: 219 },
  TestSnapshotInstall2D: { s: 44.5, rpcs: 1127, bytes: 411109, cmds: 335 },
  TestSnapshotInstallUnreliable2D: { s: 58.4, rpcs: 1339, bytes: 509125, cmds: 335 },
  TestSnapshotInstallCrash2D: { s: 31.2, rpcs: 814, bytes: 305675, cmds: 333 },
  TestSnapshotInstallUnCrash2D: { s: 38.3, rpcs: 899, bytes: 304292, cmds: 279 },
  TestSnapshotAllCrash2D: { s: 8.8, rpcs: 314, bytes: 89797, cmds: 60 },
};

/** Whole parts, Go: wall and CPU seconds. */
const GO_PARTS: Partial<Record<LabPart, { wall: number; cpu: number }>> = {
  '2A': { wall: 13.2, cpu: 0.4 },
  '2B': { wall: 37.5, cpu: 1.0 },
  '2C': { wall: 130.3, cpu: 6.7 },
  '2D': { wall: 186.9, cpu: 3.1 },
};

const PARTS: LabPart[] = ['2A', '2B', '2C', '2D'];

const num = (n: number) => n.toLocaleString('en-US');

export async function run(): Promise<string> {
  const seeds = Number(process.env.RAFT_BENCH_SEEDS ?? 10);
  const impl = new Implementation();
  const load = os.loadavg()[0];
  const lines: string[] = [
    `Reference implementation (\`src/raft\`), each test once on seed 1: virtual seconds, peers, RPCs, bytes and`,
    `commands as the test's closing line prints them, and the real time of the run. "RPCs, mean" is over seeds`,
    `1–${seeds}. Go: a public Go solution on the original suites on a 2-core machine (its "Passed" lines;`,
    `its bytes are gob-encoded, ours MessagePack, so compare bytes only roughly). Tests marked † exist only in the`,
    `2023 suite and have no Go figure. The machine may be shared (load average ${load.toFixed(1)} on ${os.cpus().length} CPUs when this`,
    `started), which inflates real times; CPU times are less affected.`,
    '',
  ];
  const totals: string[] = [
    '| part | tests | real s (ours) | CPU s (ours) | virtual s (ours) | Go wall s | Go CPU s | ours / Go wall |',
    '|---|---|---|---|---|---|---|---|',
  ];
  let allReal = 0;
  let allCpu = 0;
  for (const part of PARTS) {
    const scenarios = partTests(part);
    lines.push(
      `### ${part}`,
      '',
      '| test | virtual s | peers | RPCs | RPCs, mean | bytes | cmds | real ms | Go s | Go RPCs | Go bytes | Go cmds |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    let partReal = 0;
    let partVirtual = 0;
    const cpu0 = process.cpuUsage();
    const firsts: RunResult[] = [];
    for (const scenario of scenarios) {
      const r = await executeRun({ test: scenario.name, seed: 1, implDir: impl.dir });
      firsts.push(r);
      partReal += r.realMs;
      partVirtual += r.virtualMs / 1000;
    }
    const cpu = process.cpuUsage(cpu0);
    const partCpu = (cpu.user + cpu.system) / 1e6;
    for (const [i, scenario] of scenarios.entries()) {
      const r = firsts[i];
      let sum = r.stats?.rpcs ?? 0;
      for (let seed = 2; seed <= seeds; seed++)
        sum +=
          (await executeRun({ test: scenario.name, seed, implDir: impl.dir })).stats?.rpcs ?? 0;
      const st = r.stats;
      const go = GO_TESTS[scenario.name];
      const name = `${scenario.name}${go ? '' : ' †'}${r.passed ? '' : ' **FAILED**'}`;
      lines.push(
        `| ${name} | ${st ? st.virtualSeconds.toFixed(1) : '—'} | ${st?.peers ?? '—'} | ${st ? num(st.rpcs) : '—'} | ${num(Math.round(sum / seeds))} | ${st ? num(st.bytes) : '—'} | ${st?.commands ?? '—'} | ${Math.round(r.realMs)} | ` +
          (go
            ? `${go.s.toFixed(1)} | ${num(go.rpcs)} | ${num(go.bytes)} | ${go.cmds} |`
            : '— | — | — | — |'),
      );
    }
    lines.push('');
    allReal += partReal;
    allCpu += partCpu;
    const g = GO_PARTS[part];
    totals.push(
      `| ${part} | ${scenarios.length} | ${(partReal / 1000).toFixed(2)} | ${partCpu.toFixed(2)} | ${partVirtual.toFixed(1)} | ${g ? g.wall.toFixed(1) : '—'} | ${g ? g.cpu.toFixed(1) : '—'} | ${g ? `${((partReal / 1000 / g.wall) * 100).toFixed(1)} %` : '—'} |`,
    );
  }
  totals.push(
    `| 2A–2D | | ${(allReal / 1000).toFixed(2)} | ${allCpu.toFixed(2)} | | 368 | 11.2 | ${((allReal / 1000 / 368) * 100).toFixed(1)} % |`,
  );
  lines.push(
    '### Whole parts, one seed each',
    '',
    "Real time is the sum of the runs' wall-clock times in one process; CPU time is the process's (user + system,",
    "which includes V8's garbage-collector threads) over those runs. Go ran each part's tests in real time.",
    '',
    ...totals,
  );
  return lines.join('\n');
}
