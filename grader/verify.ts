// --verify-sample K: after a grade, K of its passing runs are run again, each in a worker process
// of its own that has run nothing else, and must give the same fingerprint. Graded code runs in the
// same process as the tester and could forge its result (README, "Grading untrusted code"); a
// forgery that is not exactly reproducible (a made-up fingerprint, a result that depends on what
// the worker ran before) shows as a mismatch. A forger that is deterministic is not caught by this.
import pLimit from 'p-limit';
import { Pool } from './pool';
import type { RunRecord } from './protocol';
import type { ImplChoice } from './session';

export interface Verification {
  /** Passing runs re-run. */
  sampled: number;
  /** One line per re-run that did not give the first run's fingerprint. */
  mismatches: string[];
}

export interface VerifyOptions {
  timeoutMs: number;
  silenceMs: number;
  memoryMb: number;
  parallel: number;
  noSandbox?: boolean;
}

/** K passing runs spread evenly over the records (the same K for the same records). */
export function sampleOf(records: readonly RunRecord[], k: number): RunRecord[] {
  const passed = records.filter((r) => r.status === 'passed' && r.fingerprint !== undefined);
  if (k >= passed.length) return passed;
  return Array.from({ length: k }, (_, i) => passed[Math.floor((i * passed.length) / k)]!);
}

/** Re-runs the sample, each run in a fresh worker; marks each mismatch on its record (note). */
export async function verifySample(
  records: readonly RunRecord[],
  impl: ImplChoice,
  k: number,
  o: VerifyOptions,
): Promise<Verification> {
  const sample = sampleOf(records, k);
  const limit = pLimit(Math.max(1, o.parallel));
  const mismatches = await Promise.all(
    sample.map((record, i) => limit(() => verifyOne(record, impl, i + 1, o))),
  );
  return { sampled: sample.length, mismatches: mismatches.filter((m) => m !== undefined) };
}

async function verifyOne(
  record: RunRecord,
  impl: ImplChoice,
  id: number,
  o: VerifyOptions,
): Promise<string | undefined> {
  // A pool of one worker for one run: nothing that ran before can shape its result.
  const pool = new Pool({
    size: 1,
    timeoutMs: o.timeoutMs + Math.max(5000, o.timeoutMs / 10),
    silenceMs: o.silenceMs,
    memoryMb: o.memoryMb,
    ...(o.noSandbox ? {} : { sandbox: { writeDirs: [] } }),
  });
  try {
    const outcome = await pool.exec({
      id,
      test: record.test,
      seed: record.seed,
      implDir: impl.dir,
      ...(record.level ? { params: { level: record.level } } : {}),
      realTimeLimitMs: o.timeoutMs,
    });
    const again =
      outcome.kind === 'result'
        ? `${outcome.result.passed ? 'passed' : 'failed'} with fingerprint ${outcome.result.fingerprint}`
        : `ended ${outcome.kind}`;
    if (
      outcome.kind === 'result' &&
      outcome.result.passed &&
      outcome.result.fingerprint === record.fingerprint
    )
      return undefined;
    record.note = `not verified: a re-run of this seed in a fresh worker ${again}, the first run passed with fingerprint ${record.fingerprint}: its result may have been forged by the code under test, or depends on more than the seed`;
    return `${record.test} seed ${record.seed}: passed with fingerprint ${record.fingerprint}, but a re-run in a fresh worker ${again}`;
  } finally {
    pool.close();
  }
}

/** The line a grade prints about its verification. */
export function verificationText(v: Verification): string {
  if (v.mismatches.length === 0)
    return `verified: ${v.sampled} passing run${v.sampled === 1 ? '' : 's'} re-run in fresh workers gave the same fingerprints`;
  return `NOT VERIFIED: ${v.mismatches.length} of ${v.sampled} passing runs re-run in fresh workers gave another result (forged, or not reproducible):\n${v.mismatches.map((m) => `  ${m}`).join('\n')}`;
}
