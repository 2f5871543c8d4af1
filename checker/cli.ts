// npm run check-history -- FILE... [--model kv|cas-register] [--no-partition] [--timeout S]
//   [--iterations N] [--html OUT]
// Checks each history file and prints `FILE: ok|illegal|unknown (N ms)` (checking time only; an
// unknown verdict also names the limit it hit).
// Exit status: 0 all linearizable, 1 not linearizable, 2 unknown (a limit was hit), 3 bad input;
// for several files, the highest.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkOperations, type Verdict } from './check';
import { HistoryFormatError, parseHistory, type ModelName } from './formats';
import type { Model } from './model';
import { casRegisterModel } from './models/cas-register';
import { kvModel } from './models/kv';

// Start-up is part of every run's cost (the bench compares whole processes with porcupine), so this
// file loads only what checking needs: Node's own argument parser rather than commander (which
// loads child_process and net), and the HTML report only when --html asks for it.

export const EXIT = { ok: 0, illegal: 1, unknown: 2, badInput: 3 } as const;

const MODELS: Record<ModelName, Model<any, any, any>> = {
  kv: kvModel,
  'cas-register': casRegisterModel,
};

interface Options {
  model?: ModelName;
  partition: boolean;
  timeout?: number;
  iterations?: number;
  html?: string;
}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
};

const USAGE = `Usage: check-history [options] <files...>

Check recorded histories for linearizability.

Arguments:
  files                history files: JSON Lines (see checker/README.md),
                       Jepsen etcd logs, EDN key/value logs

Options:
  --model <model>      model to check against (default: the one the format implies)
                       (choices: ${Object.keys(MODELS).join(', ')})
  --no-partition       check each history as a whole instead of per key
  --timeout <seconds>  give up with "unknown" after this long per file (0: no limit)
  --iterations <n>     give up with "unknown" after this many search steps per file: a budget
                       spent alike on every machine, as the suites' checks do (default: none)
  --html <out>         write an HTML report: a file for one history, a directory for several
  -h, --help           display this help`;

class UsageError extends Error {}

/** The options and files of `argv`; throws UsageError with what is wrong. */
function parseCommandLine(argv: readonly string[]): {
  help: boolean;
  files: string[];
  options: Options;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        model: { type: 'string' },
        'no-partition': { type: 'boolean' },
        timeout: { type: 'string' },
        iterations: { type: 'string' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true, files: [], options: { partition: true } };
  const model = values.model;
  if (model !== undefined && !(model in MODELS)) {
    throw new UsageError(
      `option '--model <model>' argument '${model}' is invalid. Allowed choices are ${Object.keys(MODELS).join(', ')}.`,
    );
  }
  let timeout: number | undefined;
  if (values.timeout !== undefined) {
    timeout = Number(values.timeout);
    if (values.timeout.trim() === '' || !Number.isFinite(timeout) || timeout < 0) {
      throw new UsageError(
        `option '--timeout <seconds>' argument '${values.timeout}' is invalid: expected a number of seconds (0: no limit)`,
      );
    }
  }
  let iterations: number | undefined;
  if (values.iterations !== undefined) {
    iterations = Number(values.iterations);
    if (!/^\s*\d+\s*$/.test(values.iterations) || !(iterations > 0)) {
      throw new UsageError(
        `option '--iterations <n>' argument '${values.iterations}' is invalid: expected a whole number of search steps, at least 1`,
      );
    }
  }
  if (positionals.length === 0) throw new UsageError("missing required argument 'files'");
  return {
    help: false,
    files: positionals,
    options: {
      model: model as ModelName | undefined,
      partition: !values['no-partition'],
      timeout,
      iterations,
      html: values.html,
    },
  };
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit status. */
export function main(argv: readonly string[], io: Io = defaultIo): number {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`error: ${e.message}`);
    io.err("Run 'npm run check-history -- --help' for the options.");
    return EXIT.badInput;
  }
  if (command.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  let status: number = EXIT.ok;
  for (const file of command.files)
    status = Math.max(status, checkFile(file, command.files.length, command.options, io));
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
      ...(options.iterations !== undefined ? { maxIterations: options.iterations } : {}),
    });
  } catch (e) {
    io.err(`${file}: bad input: ${(e as Error).message}`);
    return EXIT.badInput;
  }
  const limit = result.verdict === 'unknown' && result.reason ? `${result.reason}, ` : '';
  io.out(`${file}: ${result.verdict} (${limit}${Math.round(result.elapsedMs)} ms)`);
  if (options.html) {
    const out =
      fileCount === 1 ? options.html : path.join(options.html, `${path.basename(file)}.html`);
    const { writeHtmlReport } = require('./report') as typeof import('./report');
    io.err(`${file}: report ${writeHtmlReport(result, out)}`);
  }
  return exitFor(result.verdict);
}

function exitFor(verdict: Verdict): number {
  return verdict === 'ok' ? EXIT.ok : verdict === 'illegal' ? EXIT.illegal : EXIT.unknown;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
