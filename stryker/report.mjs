// Reading a finished mutation run's report (reports/mutation/LAYER/mutation.json), for the summary
// and the re-judging of survivors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { reportsDir } from './layers.mjs';

/** The report of `npm run mutation -- LAYER`, or exit 2 saying how to make one. */
export function readReportOrExit(name) {
  const file = path.join(reportsDir(name), 'mutation.json');
  if (!fs.existsSync(file)) {
    process.stderr.write(`no report at ${file}: run npm run mutation -- ${name} first\n`);
    process.exit(2);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Every mutant of a report, each with its file and that file's source. */
export function mutantsOf(report) {
  return Object.entries(report.files).flatMap(([file, { mutants, source }]) =>
    mutants.map((m) => ({ ...m, file, source })),
  );
}

/**
 * "file:line:column mutator → replacement": recognises a mutant again, also where ids changed
 * (a verdict kept beside the report applies only to the mutant it was made for).
 */
export function mutantKey(mutant) {
  const { line, column } = mutant.location.start;
  return `${mutant.file}:${line}:${column} ${mutant.mutatorName} → ${mutant.replacement ?? ''}`;
}

/** The mutant's whole line as it reads with the mutant in (the report gives only the replaced part). */
export function mutatedLine(mutant) {
  const lines = mutant.source.split('\n');
  const { start, end } = mutant.location;
  const first = lines[start.line - 1];
  const replacement = String(mutant.replacement ?? '');
  if (start.line !== end.line) return `${first.slice(0, start.column - 1)}${replacement} …`.trim();
  return `${first.slice(0, start.column - 1)}${replacement}${first.slice(end.column - 1)}`.trim();
}
