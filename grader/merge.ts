// `grade merge FILES...`: combines the --json results of shards, of separate runs over the same
// tests and seeds, or of consecutive seed ranges (--seed 1 -n 100, --seed 101 -n 100) into one
// report, as if graded at once.
import {
  checkWritableFile,
  readGradeFile,
  writeJsonAtomic,
  FORMAT,
  type GradeFile,
} from './results';
import { renderReport } from './report';
import { UsageError } from './select';
import type { RunRecord } from './protocol';

export function mergeFiles(
  files: readonly GradeFile[],
  names: readonly string[],
): { merged: GradeFile; warnings: string[] } {
  if (files.length === 0)
    throw new UsageError('grade merge needs at least one results file written by grade --json');
  const first = files[0];
  const warnings: string[] = [];
  const testList = (f: GradeFile) => f.tests.map((t) => t.name).join(',');
  files.forEach((f, i) => {
    if (testList(f) !== testList(first)) {
      throw new UsageError(
        `${names[i]} graded other tests than ${names[0]} (${f.tests.length} vs ${first.tests.length} tests); merge only results of the same labs and --run`,
      );
    }
    if (f.impl !== first.impl)
      warnings.push(`${names[i]} graded implementation ${f.impl}, ${names[0]} ${first.impl}`);
    if (f.node.split('.')[0] !== first.node.split('.')[0])
      warnings.push(
        `${names[i]} ran on Node ${f.node}, ${names[0]} on ${first.node}: fingerprints may differ`,
      );
    checkSameCode(f, first, names[i], names[0], warnings);
  });
  refuseOverlaps(files, names);
  // Files with the same seeds are shards of one grade, run side by side; files with other seeds
  // are further seed ranges, run one after another. Together they must cover one range of
  // consecutive seeds, so that the merged report can say "seeds S..T".
  const ranges = new Map<string, GradeFile[]>();
  for (const f of files) {
    const key = `${f.seed}/${f.runs}`;
    ranges.set(key, [...(ranges.get(key) ?? []), f]);
  }
  const sorted = [...ranges.values()].sort((a, b) => a[0].seed - b[0].seed);
  const seed = sorted[0][0].seed;
  let end = seed; // one past the last seed covered so far
  for (const [f] of sorted) {
    if (f.seed > end) {
      throw new UsageError(
        `no file has seeds ${end}..${f.seed - 1}: merge results that together cover consecutive seeds (these files cover ${describeRanges(sorted)})`,
      );
    }
    end = Math.max(end, f.seed + f.runs);
  }
  const runs = end - seed;
  const byKey = new Map<string, RunRecord>();
  for (const [i, f] of files.entries()) {
    for (const r of f.results) {
      const key = `${r.test}/${r.seed}`;
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, r);
      else if (
        seen.fingerprint !== r.fingerprint ||
        seen.status !== r.status ||
        seen.check !== r.check
      ) {
        const outcome = (x: RunRecord) =>
          `${x.status}${x.check ? ` [${x.check}]` : ''} ${x.fingerprint ?? ''}`;
        warnings.push(
          `${r.test} seed ${r.seed} appears twice with different outcomes (${outcome(seen)} / ${outcome(r)} in ${names[i]}); kept the first`,
        );
      }
    }
  }
  const index = new Map(first.tests.map((t, i) => [t.name, i]));
  const order = (r: RunRecord) => (index.get(r.test) ?? 0) * runs + (r.seed - seed);
  const results = [...byKey.values()].sort((a, b) => order(a) - order(b));
  const { shard: _shard, ...rest } = first;
  const merged: GradeFile = {
    ...rest,
    format: FORMAT,
    seed,
    runs,
    partSizes: Object.assign({}, ...files.map((f) => f.partSizes)),
    expectedRuns: first.tests.length * runs,
    interrupted: files.some((f) => f.interrupted),
    // A grade's shards took as long as the slowest of them; seed ranges add up.
    realMs: sorted.reduce((ms, shards) => ms + Math.max(...shards.map((f) => f.realMs)), 0),
    parallel: Math.max(...sorted.map((shards) => shards.reduce((n, f) => n + f.parallel, 0))),
    results,
  };
  return { merged, warnings };
}

/** Refuses files of different grader or implementation code; warns when one cannot be checked. */
function checkSameCode(
  f: GradeFile,
  first: GradeFile,
  name: string,
  firstName: string,
  warnings: string[],
): void {
  const [a, b] = [first.provenance, f.provenance];
  if (!a || !b) {
    if (a || b)
      warnings.push(
        `${a ? name : firstName} records no provenance (an older grader wrote it): whether both were graded by the same code cannot be checked`,
      );
    return;
  }
  const short = (hash: string) => hash.slice(0, 12);
  if (a.grader !== b.grader)
    throw new UsageError(
      `${name} was graded by other grader code than ${firstName} (grader ${short(b.grader)} vs ${short(a.grader)}): merge only results of one build of the grader (the same commit, npm run build)`,
    );
  if (a.implementation !== b.implementation)
    throw new UsageError(
      `${name} graded other implementation code than ${firstName} (implementation ${short(b.implementation)} vs ${short(a.implementation)}): merge only results of one version of the implementation`,
    );
  if (a.platform !== b.platform)
    warnings.push(
      `${name} ran on ${b.platform}, ${firstName} on ${a.platform}: runs should be the same; a differing fingerprint would be a determinism bug worth reporting`,
    );
}

/** What a file covers, for error messages: "seeds 1..100, shard 2/4". */
function coverage(f: GradeFile): string {
  return `seeds ${f.seed}..${f.seed + f.runs - 1}${f.shard ? `, shard ${f.shard.index}/${f.shard.count}` : ''}`;
}

/**
 * Every run must come from one file: the same shard twice (or a file given twice) is a duplicate,
 * and seed ranges that overlap without being shards of one grade would count runs twice.
 */
function refuseOverlaps(files: readonly GradeFile[], names: readonly string[]): void {
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      const [a, b] = [files[i], files[j]];
      const sameRange = a.seed === b.seed && a.runs === b.runs;
      const shardKey = (f: GradeFile) => (f.shard ? `${f.shard.index}/${f.shard.count}` : 'all');
      if (sameRange && shardKey(a) === shardKey(b)) {
        throw new UsageError(
          `${names[i]} and ${names[j]} are the same results (${coverage(a)}): give each shard or seed range once`,
        );
      }
      const disjointShards = sameRange && a.shard && b.shard && a.shard.count === b.shard.count;
      const overlap = a.seed < b.seed + b.runs && b.seed < a.seed + a.runs;
      if (overlap && !disjointShards) {
        throw new UsageError(
          `${names[i]} (${coverage(a)}) and ${names[j]} (${coverage(b)}) overlap: merge shards of one grade (same --seed and -n, --shard K/N) or seed ranges that do not overlap`,
        );
      }
    }
  }
}

function describeRanges(sorted: GradeFile[][]): string {
  return sorted.map(([f]) => `${f.seed}..${f.seed + f.runs - 1}`).join(', ');
}

export function merge(
  paths: readonly string[],
  json: string | undefined,
  failures: number,
): number {
  if (json) checkWritableFile(json, '--json');
  const files = paths.map((p) => readGradeFile(p));
  const { merged, warnings } = mergeFiles(files, paths);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (json) writeJsonAtomic(json, merged);
  const report = renderReport(merged, { maxFailures: failures });
  process.stdout.write(`${report.text}\n`);
  if (json) process.stdout.write(`results: ${json}\n`);
  return report.exitCode;
}
