// The formats a grade (or a merge) writes besides its report and --json, for other programs: JUnit
// XML (--junit), the GitHub Actions step summary ($GITHUB_STEP_SUMMARY) and Gradescope's
// results.json (--gradescope). Called after the report, with the same GradeFile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkWritableFile, type GradeFile } from '../results';
import { UsageError } from '../select';
import { appendStepSummary } from './github-summary';
import { junitXml } from './junit';

export interface FormatOptions {
  /** --junit FILE */
  junit?: string;
}

/** Before a long grade: every file it will write can be written. */
export function checkFormatPaths(o: FormatOptions): void {
  if (o.junit) checkWritableFile(o.junit, '--junit');
}

/** Writes next to the destination and renames it into place: a reader never sees half a file. */
export function writeTextAtomic(file: string, text: string): void {
  const abs = path.resolve(file);
  const tmp = `${abs}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, abs);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
  }
}

/** Writes the formats asked for; returns a line per file written, for the end of the report. */
export function writeFormats(
  file: GradeFile,
  o: FormatOptions,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const lines: string[] = [];
  if (o.junit) {
    writeTextAtomic(o.junit, junitXml(file));
    lines.push(`JUnit XML: ${o.junit}`);
  }
  const summary = appendStepSummary(file, env);
  if (summary) lines.push(`summary appended to GITHUB_STEP_SUMMARY (${summary})`);
  return lines;
}
