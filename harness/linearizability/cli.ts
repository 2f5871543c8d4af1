// npm run check-history -- FILE... [--model kv|cas-register] [--no-partition] [--timeout S] [--html OUT]
// Checks each history file and prints `FILE: ok|illegal|unknown (N ms)` (checking time only).
// Exit status: 0 all linearizable, 1 not linearizable, 2 unknown (a limit was hit), 3 bad input;
// for several files, the highest.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { checkOperations, type Verdict } from './check';
import { HistoryFormatError, parseHistory, type ModelName } from './formats';
import type { Model } from './model';
import { casRegisterModel } from './models/cas-register';
import { kvModel } from './models/kv';
import { writeHtmlReport } from './report';

export const EXIT = { ok: 0, illegal: 1, unknown: 2, badInput: 3 } as const;

const MODELS: Record<ModelName, Model<any, any, any>> = { kv: kvModel, 'cas-register': casRegisterModel };

interface Options {
  model?: ModelName;
  partition: boolean;
  timeout?: number;
  html?: string;
}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

function seconds(value: string): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s < 0) throw new InvalidArgumentError('expected a number of seconds (0: no limit)');
  return s;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit status. */
export function main(argv: readonly string[], io: Io = defaultIo): number {
  const program = new Command('check-history')
    .description('Check recorded histories for linearizability.')
    .argument('<files...>', 'history files: JSON Lines (see harness/linearizability/README.md), Jepsen etcd logs, EDN key/value logs')
    .addOption(new Option('--model <model>', 'model to check against (default: the one the format implies)').choices(Object.keys(MODELS)))
    .option('--no-partition', 'check each history as a whole instead of per key')
    .option('--timeout <seconds>', 'give up with "unknown" after this long per file (0: no limit)', seconds)
    .option('--html <out>', 'write an HTML report: a file for one history, a directory for several')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  let files: string[];
  let options: Options;
  try {
    program.parse(argv, { from: 'user' });
    files = program.args;
    options = program.opts<Options>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    throw e;
  }
  let status: number = EXIT.ok;
  for (const file of files) status = Math.max(status, checkFile(file, files.length, options, io));
  return status;
}

function checkFile(file: string, fileCount: number, options: Options, io: Io): number {
  let parsed;
  try {
    parsed = parseHistory(fs.readFileSync(file, 'utf8'), options.model);
  } catch (e) {
    if (e instanceof HistoryFormatError) {
      io.err(`${file}${e.line === undefined ? '' : `:${e.line}`}: bad input: ${e.detail}`);
    } else {
      io.err(`${file}: bad input: ${(e as Error).message}`);
    }
    return EXIT.badInput;
  }
  let result;
  try {
    result = checkOperations(MODELS[parsed.model], parsed.operations, {
      partition: options.partition,
      timeoutMs: (options.timeout ?? 0) * 1000,
    });
  } catch (e) {
    io.err(`${file}: bad input: ${(e as Error).message}`);
    return EXIT.badInput;
  }
  io.out(`${file}: ${result.verdict} (${Math.round(result.elapsedMs)} ms)`);
  if (options.html) {
    const out = fileCount === 1 ? options.html : path.join(options.html, `${path.basename(file)}.html`);
    io.err(`${file}: report ${writeHtmlReport(result, out)}`);
  }
  return exitFor(result.verdict);
}

function exitFor(verdict: Verdict): number {
  return verdict === 'ok' ? EXIT.ok : verdict === 'illegal' ? EXIT.illegal : EXIT.unknown;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
