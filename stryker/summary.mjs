// npm run mutation:summary -- LAYER: what a finished `npm run mutation -- LAYER` found, from its
// reports (reports/mutation/LAYER/mutation.json and the judge's judge.log): mutants by outcome,
// the killed ones by what caught them (a check of the suite, or only a crash of the mutated code,
// which the harness reports as implementation-threw), the mutants excluded with a reason
// (`// Stryker disable ...: reason`), and every survivor with its line as the mutant makes it.
// Survivors judged again on more seeds (npm run mutation:rejudge, rejudge.json) are counted apart:
// killed then, or still alive. Survivors listed as equivalent (stryker/equivalent/LAYER.json, see
// stryker/equivalent.mjs) are counted apart too, and the last score is over the others: killed
// (also on re-judging) / (judged - equivalent). Markdown, for BENCHMARKS.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { matches, readEquivalents } from './equivalent.mjs';
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
/**
 * Verdicts by the mutant they were made for (its place and replacement, mutantKey): an incremental
 * run that merges files renumbers the report's mutants, so an id alone may name another mutant by
 * then. Where one mutant was judged more than once, a kill wins (it failed the suite on those runs).
 */
const rejudgedByPlace = new Map();
for (const verdict of Object.values(rejudged)) {
  const earlier = rejudgedByPlace.get(verdict.where);
  if (!earlier || (verdict.killed && !earlier.killed)) rejudgedByPlace.set(verdict.where, verdict);
}
/** The re-judging's verdict on a mutant, if one was made for this very mutant. */
function rejudgedVerdict(mutant) {
  return rejudgedByPlace.get(mutantKey(mutant));
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

const equivalents = readEquivalents(name);
/** How many mutants each entry of the list matched, by outcome (survivor or not). */
const matchedBy = equivalents.map(() => ({ survivors: 0, others: [] }));
/** The entry that lists `mutant` as equivalent, counting the match. */
function listedAsEquivalent(mutant, survived) {
  const i = equivalents.findIndex((e) => matches(e, mutant));
  if (i < 0) return undefined;
  if (survived) matchedBy[i].survivors++;
  else matchedBy[i].others.push(`${mutant.id} (${mutant.status})`);
  return equivalents[i];
}

const CRASHES = new Set(['implementation-threw', 'crashed']);
const count = {};
const byCheck = {};
const excluded = {};
const survivors = [];
const rejudgedKilled = [];
const equivalentByReason = {};
for (const mutant of mutantsOf(report)) {
  let outcome = mutant.status;
  const alive = mutant.status === 'Survived' || mutant.status === 'NoCoverage';
  if (outcome === 'Killed') {
    const caught = checks(mutant).filter((c) => !CRASHES.has(c));
    outcome = caught.length > 0 ? 'Killed by a check' : 'Killed by a crash only';
    for (const c of caught) byCheck[c] = (byCheck[c] ?? 0) + 1;
  }
  count[outcome] = (count[outcome] ?? 0) + 1;
  if (!alive && mutant.status !== 'Ignored') listedAsEquivalent(mutant, false);
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
      listedAsEquivalent(mutant, false);
      rejudgedKilled.push(`${entry} (${verdict.checks.join(', ') || 'failed'})`);
      continue;
    }
    const equivalent = listedAsEquivalent(mutant, true);
    if (equivalent) {
      (equivalentByReason[equivalent.reason] ??= []).push(entry);
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
const pct = (x, over = judged) => (over > 0 ? `${((100 * x) / over).toFixed(1)}%` : '-');
const equivalentN = Object.values(equivalentByReason).reduce((a, l) => a + l.length, 0);
const nonEquivalent = judged - equivalentN;
const staleEntries = equivalents.flatMap((e, i) => {
  const { survivors: alive, others } = matchedBy[i];
  const what = `${e.file} ${e.mutator}: \`${e.line}\` → \`${e.replacement}\``;
  if (others.length > 0)
    return [`- ${what} also matches mutants that are not survivors: ${others.join(', ')}`];
  return alive === 0 ? [`- ${what} matches no survivor`] : [];
});
const out = [
  `**${name}**: ${total} mutants; ${excludedN} excluded with a reason; ${invalid} that did not compile or run; ${judged} judged.`,
  '',
  '| killed by a check | killed only by a crash | timed out | survived | no coverage | score (killed + timed out) | by a check alone | survivors killed on more seeds | score with them |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  `| ${n('Killed by a check')} | ${n('Killed by a crash only')} | ${n('Timeout')} | ${n('Survived')} | ${n('NoCoverage')} | ${pct(killed)} | ${pct(n('Killed by a check'))} | ${later} | ${pct(killed + later)} |`,
  '',
  `Listed as equivalent (stryker/equivalent/${name}.json): ${equivalentN} survivors; score over the ${nonEquivalent} non-equivalent mutants (killed + timed out + killed on more seeds): ` +
    `**${pct(killed + later, nonEquivalent)}** (${killed + later}/${nonEquivalent}).`,
  ...(staleEntries.length > 0
    ? ['', `Warning: entries of stryker/equivalent/${name}.json to fix:`, ...staleEntries]
    : []),
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
  `Survivors listed as equivalent (${equivalentN}), by reason:`,
  ...Object.entries(equivalentByReason).flatMap(([r, l]) => [
    `- ${l.length}: ${r}`,
    ...l.map((x) => `  ${x}`),
  ]),
  '',
  `Survivors (${survivors.length}):`,
  ...survivors,
];
process.stdout.write(`${out.join('\n')}\n`);
