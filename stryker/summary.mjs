// npm run mutation:summary -- LAYER: what a finished `npm run mutation -- LAYER` found, from its
// reports (reports/mutation/LAYER/mutation.json and the judge's judge.log): mutants by outcome,
// the killed ones by what caught them (a check of the suite, or only a crash of the mutated code,
// which the harness reports as implementation-threw), the mutants excluded with a reason
// (`// Stryker disable ...: reason`), and every survivor with its line as the mutant makes it.
// Survivors judged again on more seeds (npm run mutation:rejudge, rejudge.json) are counted apart:
// killed then, or still alive. Markdown, for BENCHMARKS.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerOrExit, reportsDir } from './layers.mjs';
import { mutantKey, mutantsOf, mutatedLine, readReportOrExit } from './report.mjs';

const name = process.argv[2];
layerOrExit(name);
const dir = reportsDir(name);
const report = readReportOrExit(name);
const rejudgeFile = path.join(dir, 'rejudge.json');
const rejudged = fs.existsSync(rejudgeFile)
  ? JSON.parse(fs.readFileSync(rejudgeFile, 'utf8')).mutants
  : {};
/** The re-judging's verdict on a mutant, if it was made for this very mutant. */
function rejudgedVerdict(mutant) {
  const verdict = rejudged[mutant.id];
  return verdict && verdict.where === mutantKey(mutant) ? verdict : undefined;
}

/** mutant id -> the checks its failing runs failed, from the judge's lines ("mutant 12: ... (a, b)"). */
const checksOf = new Map();
const log = path.join(dir, 'judge.log');
if (fs.existsSync(log)) {
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const m = /^mutant (\S+): .* failed(?: \((.*)\))?$/.exec(line);
    if (m) checksOf.set(m[1], m[2] ? m[2].split(', ') : []);
  }
}
/** Also Stryker's own record of a killed mutant's output (the judge's line is in it). */
function checks(mutant) {
  if (checksOf.has(mutant.id)) return checksOf.get(mutant.id);
  const m = /failed \(([^)]*)\)/.exec(mutant.statusReason ?? '');
  return m ? m[1].split(', ') : [];
}

const CRASHES = new Set(['implementation-threw', 'crashed']);
const count = {};
const byCheck = {};
const excluded = {};
const survivors = [];
const rejudgedKilled = [];
for (const mutant of mutantsOf(report)) {
  let outcome = mutant.status;
  if (outcome === 'Killed') {
    const caught = checks(mutant).filter((c) => !CRASHES.has(c));
    outcome = caught.length > 0 ? 'Killed by a check' : 'Killed by a crash only';
    for (const c of caught) byCheck[c] = (byCheck[c] ?? 0) + 1;
  }
  count[outcome] = (count[outcome] ?? 0) + 1;
  if (mutant.status === 'Ignored') {
    const reason = (mutant.statusReason ?? 'no reason').replace(
      /^Ignored because of excluded mutation "[^"]*"$/,
      'excluded mutator',
    );
    excluded[reason] = (excluded[reason] ?? 0) + 1;
  }
  if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
    const verdict = rejudgedVerdict(mutant);
    const { line, column } = mutant.location.start;
    const text = mutant.source.split('\n')[line - 1].trim();
    const entry =
      `- \`${mutant.file}:${line}:${column}\` ${mutant.mutatorName}: \`${text.slice(0, 90)}\` → ` +
      `\`${mutatedLine(mutant).slice(0, 90)}\``;
    if (verdict?.killed) {
      rejudgedKilled.push(`${entry} (${verdict.checks.join(', ') || 'failed'})`);
      continue;
    }
    survivors.push(
      verdict ? `${entry} (alive on ${verdict.runs} runs from seed ${verdict.seed})` : entry,
    );
  }
}

const total = Object.values(count).reduce((a, b) => a + b, 0);
const n = (k) => count[k] ?? 0;
const excludedN = n('Ignored');
const invalid = n('CompileError') + n('RuntimeError');
const judged = total - excludedN - invalid;
const killed = n('Killed by a check') + n('Killed by a crash only') + n('Timeout');
const later = rejudgedKilled.length;
const pct = (x) => (judged > 0 ? `${((100 * x) / judged).toFixed(1)}%` : '-');
const out = [
  `**${name}**: ${total} mutants; ${excludedN} excluded with a reason; ${invalid} that did not compile or run; ${judged} judged.`,
  '',
  '| killed by a check | killed only by a crash | timed out | survived | no coverage | score (killed + timed out) | by a check alone | survivors killed on more seeds | score with them |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  `| ${n('Killed by a check')} | ${n('Killed by a crash only')} | ${n('Timeout')} | ${n('Survived')} | ${n('NoCoverage')} | ${pct(killed)} | ${pct(n('Killed by a check'))} | ${later} | ${pct(killed + later)} |`,
  '',
  `Checks that killed mutants (a mutant may fail several): ${
    Object.entries(byCheck)
      .sort((a, b) => b[1] - a[1])
      .map(([c, k]) => `\`${c}\` ${k}`)
      .join(', ') || 'none'
  }.`,
  '',
  'Excluded, by reason:',
  ...Object.entries(excluded).map(([r, k]) => `- ${k}: ${r}`),
  '',
  `Survivors killed when judged again on more seeds (${later}; npm run mutation:rejudge):`,
  ...rejudgedKilled,
  '',
  `Survivors (${survivors.length}):`,
  ...survivors,
];
process.stdout.write(`${out.join('\n')}\n`);
