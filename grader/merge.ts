// `grade merge FILES...`: combines the --json results of shards (or of separate runs over the
// same tests and seeds) into one report, as if graded at once.
import { checkWritableFile, readGradeFile, writeJsonAtomic, FORMAT, type GradeFile } from './results';
import { renderReport } from './report';
import { UsageError } from './select';
import type { RunRecord } from './protocol';

export function mergeFiles(files: readonly GradeFile[], names: readonly string[]): { merged: GradeFile; warnings: string[] } {
  if (files.length === 0) throw new UsageError('grade merge needs at least one results file written by grade --json');
  const first = files[0];
  const warnings: string[] = [];
  const testList = (f: GradeFile) => f.tests.map((t) => t.name).join(',');
  files.forEach((f, i) => {
    if (f.seed !== first.seed || f.runs !== first.runs || testList(f) !== testList(first)) {
      throw new UsageError(
        `${names[i]} graded other tests or seeds than ${names[0]} (seed ${f.seed} vs ${first.seed}, ${f.runs} vs ${first.runs} runs, ${f.tests.length} vs ${first.tests.length} tests); merge only shards of one grade (same labs, --run, --seed, -n)`,
      );
    }
    if (f.impl !== first.impl) warnings.push(`${names[i]} graded implementation ${f.impl}, ${names[0]} ${first.impl}`);
    if (f.node.split('.')[0] !== first.node.split('.')[0]) warnings.push(`${names[i]} ran on Node ${f.node}, ${names[0]} on ${first.node}: fingerprints may differ`);
  });
  const byKey = new Map<string, RunRecord>();
  for (const [i, f] of files.entries()) {
    for (const r of f.results) {
      const key = `${r.test}/${r.seed}`;
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, r);
      else if (seen.fingerprint !== r.fingerprint || seen.status !== r.status) {
        warnings.push(`${r.test} seed ${r.seed} appears twice with different outcomes (${seen.status} ${seen.fingerprint ?? ''} / ${r.status} ${r.fingerprint ?? ''} in ${names[i]}); kept the first`);
      }
    }
  }
  const index = new Map(first.tests.map((t, i) => [t.name, i]));
  const order = (r: RunRecord) => (index.get(r.test) ?? 0) * first.runs + (r.seed - first.seed);
  const results = [...byKey.values()].sort((a, b) => order(a) - order(b));
  const { shard: _shard, ...rest } = first;
  const merged: GradeFile = {
    ...rest,
    format: FORMAT,
    partSizes: Object.assign({}, ...files.map((f) => f.partSizes)),
    expectedRuns: first.tests.length * first.runs,
    interrupted: files.some((f) => f.interrupted),
    // Shards run side by side: the merged grade took as long as its slowest shard.
    realMs: Math.max(...files.map((f) => f.realMs)),
    parallel: files.reduce((n, f) => n + f.parallel, 0),
    results,
  };
  return { merged, warnings };
}

export function merge(paths: readonly string[], json: string | undefined, failures: number): number {
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
