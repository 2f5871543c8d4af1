// The checks beyond the original suites (README "Checks beyond the original suites"): what the
// safety oracles cost, measured in one process by switching the default that only benchmarks
// touch (oracleDefaults). Run with `npm run bench -- checks`.
import { oracleDefaults } from '../harness/fixtures/raft-oracle';
import { Implementation } from '../harness/impl';
import { runScenario, type LabPart, type RunResult, type Scenario } from '../harness/scenario';
import { scenariosByPart } from '../labs';

export const title = 'Checks beyond the original suites';
export const order = 25;

const PARTS: LabPart[] = ['2A', '2B', '2C', '2D', '3A', '3B'];
/** Seeds per test: Raft tests are cheap, key/value tests are not. */
const seedsFor = (part: LabPart) => (part.startsWith('2') ? 5 : 1);

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function runWith(scenario: Scenario, seed: number, impl: Implementation, opts: { oracles: boolean }): Promise<RunResult & { cpuMs: number }> {
  oracleDefaults.enabled = opts.oracles;
  const c0 = cpuMs();
  try {
    const result = await runScenario(scenario, { seed, impl });
    return { ...result, cpuMs: cpuMs() - c0 };
  } finally {
    oracleDefaults.enabled = true;
  }
}

interface PartCost {
  runs: number;
  on: number;
  off: number;
  sameFingerprints: number;
  failed: string[];
}

/** Oracles on and off, alternating per run (so machine load hits both alike),. */
async function oracleCost(impl: Implementation): Promise<string> {
  const rows: string[] = [];
  let totalOn = 0;
  let totalOff = 0;
  for (const part of PARTS) {
    const cost: PartCost = { runs: 0, on: 0, off: 0, sameFingerprints: 0, failed: [] };
    for (const scenario of scenariosByPart[part]) {
      for (let seed = 1; seed <= seedsFor(part); seed++) {
        const on = await runWith(scenario, seed, impl, { oracles: true });
        const off = await runWith(scenario, seed, impl, { oracles: false });
        cost.runs++;
        cost.on += on.cpuMs;
        cost.off += off.cpuMs;
        if (on.fingerprint === off.fingerprint) cost.sameFingerprints++;
        if (!on.passed) cost.failed.push(`${scenario.name} seed ${seed}`);
      }
    }
    totalOn += cost.on;
    totalOff += cost.off;
    rows.push(`| ${part} | ${cost.runs} | ${num(cost.off / 1000, 2)} | ${num(cost.on / 1000, 2)} | ${num((cost.on / cost.off - 1) * 100, 1)} % | ${cost.sameFingerprints} of ${cost.runs} |${cost.failed.length ? ` failed: ${cost.failed.join(', ')}` : ''}`);
  }
  return [
    'CPU time of the same runs with the oracles off and on (alternating run by run, reference implementation;',
    'Raft parts seeds 1–5, key/value parts seed 1). "Same fingerprint": the trace is identical either way,',
    'so the oracles change no scenario.',
    '',
    '| part | runs | CPU s, oracles off | CPU s, oracles on | cost | same fingerprint |',
    '|---|---|---|---|---|---|',
    ...rows,
    `| all | | ${num(totalOff / 1000, 2)} | ${num(totalOn / 1000, 2)} | ${num((totalOn / totalOff - 1) * 100, 1)} % | |`,
  ].join('\n');
}

export async function run(): Promise<string> {
  const impl = new Implementation();
  return ['### What the safety oracles cost', '', await oracleCost(impl)].join('\n');
}
