#!/usr/bin/env node
// npm run grade -- [LAB...] [options] | replay | shrink | compare | merge | list
// npx dslab grade [LAB...] [options] | replay | shrink | compare | merge | list   (the package's bin; no --)
// Command-line wiring only; the work is in grade.ts, replay.ts, shrink.ts, compare.ts and merge.ts. Bad input
// of any kind is one line on stderr and exit status 2.
import './source-maps';
import type { LayerName } from '../harness/impl';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SWARM, testsOf } from '../labs';
import { grade, defaultParallel } from './grade';
import { replay, parseKinds, parsePlan, parseTopics } from './replay';
import { printShrink, shrink, shrinkable } from './shrink';
import { TRACE_KINDS } from './columns';
import { compare } from './compare';
import { merge, mergeFiles } from './merge';
import { checkWritableFile, readGradeFile } from './results';
import { checkFormatPaths, writeFormats } from './formats';
import { autograde, buildBundle, CONFIG_NAME, readConfig } from './gradescope';
import { roster } from './roster/roster';
import { VISIBILITIES, type Visibility } from './formats/gradescope';
import { DEFAULT_TIMEOUT_S } from './report';
import {
  parseCount,
  parseLabs,
  parseSeconds,
  parseSeedArg,
  parseShard,
  pointsOf,
  commandTypo,
  registry,
  UsageError,
} from './select';
import { CompileError } from './learner/compile';
import { CONFIG_FILE, configReferenceFor, defaultImpl } from './learner/defaults';
import { chooseEdition } from './edition';
import { parseLayers } from './learner/mix';

/** Wraps a parser so that its UsageError becomes commander's own invalid-argument error. */
function arg<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

const runsOpt = () =>
  new Option('-n, --runs <N>', 'runs (seeds) per test')
    .default(1)
    .argParser(arg((t) => parseCount(t, '-n/--runs', 1, 1_000_000)));
const parallelOpt = () =>
  new Option('-p, --parallel <P>', 'worker processes')
    .default(defaultParallel(), 'the number of cores')
    .argParser(arg((t) => parseCount(t, '-p/--parallel', 1, 256)));
const seedOpt = (what: string) => new Option('--seed <S>', what).argParser(arg(parseSeedArg));
const timeoutOpt = () =>
  new Option(
    '--timeout <S>',
    'real-time watchdog per run, in seconds: a run over it, or whose worker stops answering for 10 s (S/2 if shorter), is killed and reported hung',
  )
    .default(DEFAULT_TIMEOUT_S)
    .argParser(arg((t) => parseSeconds(t, '--timeout')));
const memoryOpt = () =>
  new Option(
    '--worker-memory <MB>',
    "heap limit of each worker; a run past it is reported crashed, out of memory (default: the machine's memory shared among the workers and the grader, at most 1024)",
  ).argParser(arg((t) => parseCount(t, '--worker-memory', 64, 65_536)));
const freshModulesOpt = () =>
  new Option(
    '--fresh-modules',
    "load the implementation's modules afresh for every run even when they hold no module-level state (by default such modules stay loaded, JIT-warm, in each worker)",
  );
const sandboxOpt = () =>
  new Option(
    '--no-sandbox',
    "run the implementation with every right the grader has, outside Node's permission model (for debugging the grader; never for code you did not write: README, Grading untrusted code)",
  );
const verifyOpt = (byDefault: number) =>
  new Option(
    '--verify-sample <K>',
    'run K passing runs again, each in a fresh worker, and flag any whose fingerprint differs (a forged or unreproducible result: README, Grading untrusted code)',
  )
    .default(byDefault)
    .argParser(arg((t) => parseCount(t, '--verify-sample', 0, 1_000_000)));
const determinismOpt = () =>
  new Option(
    '--check-determinism',
    'run every run a second time, in new workers and in the reverse order, and fail any whose fingerprint differs (state kept between runs, or what differs between processes); doubles the time',
  );
const failuresOpt = () =>
  new Option('--failures <N>', 'failures listed per test (0: all)')
    .default(10)
    .argParser(arg((t) => parseCount(t, '--failures', 0, 1_000_000)));

const referenceOpt = () =>
  new Option(
    '--reference <LAYERS>',
    `take these layers from the reference implementation, e.g. raft (your kvraft on the reference Raft); default: ${CONFIG_FILE}'s "reference" for its "impl"; none: no layer`,
  ).argParser(arg(parseLayers));
const implHelp = `implementation to grade: a directory laid out like src/ (raft/, kvraft/, ...); TypeScript sources anywhere are type-checked and compiled first (default: $DSLAB_IMPL, else ${CONFIG_FILE}'s "impl", else src; DSLAB_IMPL set but empty: src, whatever ${CONFIG_FILE} says)`;

const pointsText = () =>
  Object.entries(pointsOf())
    .map(([p, n]) => `${p} ${n}`)
    .join(', ');
const totalPoints = () => Object.values(pointsOf()).reduce((a, b) => a + b, 0);

/** `lab2a ... lab4b (or 2a), a whole lab (lab2, lab3, lab4)`, from the registry. */
function labWords(): string {
  const parts = registry().parts;
  const first = parts[0]?.id.toLowerCase() ?? '';
  const last = parts.at(-1)?.id.toLowerCase() ?? '';
  const labs = [...new Set(parts.map((p) => `lab${p.lab}`))].join(', ');
  return `lab${first} ... lab${last} (or ${first}), a whole lab (${labs})`;
}

const courseOnlyOpt = () =>
  new Option(
    '--course-only',
    "grade exactly the course's tests (ours, graded beside them by default, left out)",
  );
const levelOpt = () =>
  new Option(
    '--level <PART>',
    "a swarm test's level: the part whose faults it draws (default: its last, e.g. 2D for TestSwarmRaft)",
  );

const EXAMPLES = `Examples:
  npm run grade lab2a                       every 2A test once, on a random seed
  npm run grade -- lab2a --impl mylab       your own folder (or write { "impl": "mylab" } to ${CONFIG_FILE})
  npm run grade -- lab2 -n 20               every 2A-2D test on 20 seeds
  npm run grade -- 2b --run Backup -n 100 --seed 1
  npm run grade -- all -n 3                 every part
  npm run grade -- replay TestBackup2B --seed 17 --trace
  npm run grade -- compare --impl src --impl impls/raft-no-persist-votedfor lab2c -n 10
  npm run grade -- all -n 20 --seed 1 --shard 1/4 --json s1.json   (one machine of four)
  npm run grade -- merge s1.json s2.json s3.json s4.json
  npm run grade -- swarm -n 500 --seed 1              the swarm tests (ours, not scored)
  npm run grade -- swarm 2b -n 200                    the Raft swarm at 2B: no crashes, no snapshots
  npm run grade -- shrink TestSwarmKV --seed 3 --impl impls/kvraft-no-dedup
  npm run grade -- --edition 2026 lab2                the course since 2025 (or "edition": "2026" in ${CONFIG_FILE})`;

/** The subcommands (besides grading itself), for the usage text and "did you mean". */
const COMMANDS = ['replay', 'shrink', 'compare', 'merge', 'list', 'roster', 'gradescope'];

/** What `npm run grade` with nothing to grade prints (stderr, exit status 2). */
function usage(): string {
  return `grade: name what to grade: ${labWords()}, all, or swarm [PART]

Usage: npm run grade -- LAB... [options]      (or: npx dslab grade LAB... [options])
       npm run grade -- ${COMMANDS.join('|')} ...

${EXAMPLES}

Every option: npm run grade -- --help; a command's: npm run grade -- replay --help
`;
}

function build(setExit: (code: number) => void): Command {
  const program = new Command('grade');
  program
    .description(
      'Grade an implementation on the lab suites: many seeds per test, in parallel worker processes, in virtual time.',
    )
    .enablePositionalOptions()
    .argument(
      '[LAB...]',
      `${labWords()} or all (name at least one); swarm [PART]: our swarm tests at a part's level (not in all, not scored)`,
    )
    .option('--run <REGEX>', 'only tests whose names match, like go test -run')
    .addOption(runsOpt())
    .addOption(parallelOpt())
    .addOption(
      seedOpt('first seed (default: random, always printed); run k of every test uses seed S+k'),
    )
    .option('--impl <DIR>', implHelp)
    .addOption(referenceOpt())
    .option('--json <FILE>', 'write every run as JSON (for grade merge, CI, scripts)')
    .option(
      '--junit <FILE>',
      'write JUnit XML for CI (a testsuite per part, a testcase per test; failing seeds and their replay commands); with $GITHUB_STEP_SUMMARY set, a Markdown summary is appended to it too',
    )
    .option(
      '--out <DIR>',
      'where failing runs leave their traces and HTML reports: one folder per grade, the last 5 kept',
      '.grade-out',
    )
    .addOption(timeoutOpt())
    .addOption(
      new Option(
        '--shard <K/N>',
        'run slice K of N of the runs (needs --seed); combine with grade merge',
      ).argParser(arg(parseShard)),
    )
    .addOption(failuresOpt())
    .addOption(
      new Option('--traces <N>', 'failing runs per test whose trace is saved under --out')
        .default(3)
        .argParser(arg((t) => parseCount(t, '--traces', 0, 1_000_000))),
    )
    .addOption(memoryOpt())
    .option('-q, --quiet', 'no live view, only the report')
    .option('--bail', 'stop at the first run that fails, and print the command that replays it')
    .option(
      '--keep-going',
      "run every seed of a test even after one hung (by default, once a test's run hangs, its runs not yet started are skipped)",
    )
    .addOption(freshModulesOpt())
    .addOption(courseOnlyOpt())
    .addOption(sandboxOpt())
    .addOption(verifyOpt(0))
    .addOption(determinismOpt())
    .addHelpText(
      'after',
      () => `
Score: a part's points are shared by its course tests; a test earns its share only if every run
passed. Our tests, marked (ours), are graded with their part and reported beside the score; any
failure fails the grade (--course-only leaves them out).
Points per part: ${pointsText()} (${totalPoints()} in all).
Exit status: 0 if every run passed, 1 if any failed, hung or crashed, 2 on bad input, 130 on Ctrl-C.

${EXAMPLES}`,
    )
    .action(async (labs: string[] | undefined, o) => {
      // Nothing named: say how to name it, rather than grade everything (minutes of work).
      if (!labs || labs.length === 0) {
        process.stderr.write(usage());
        setExit(2);
        return;
      }
      const impl = chooseImpl(o.impl, o.reference);
      setExit(
        await grade({
          labs: labs ?? [],
          run: o.run,
          runs: o.runs,
          parallel: o.parallel,
          seed: o.seed,
          ...impl,
          json: o.json,
          ...(o.junit ? { junit: o.junit } : {}),
          out: o.out,
          timeoutS: o.timeout,
          shard: o.shard,
          failures: o.failures,
          traces: o.traces,
          workerMemoryMb: o.workerMemory,
          quiet: o.quiet,
          bail: Boolean(o.bail),
          keepGoing: Boolean(o.keepGoing),
          freshModules: Boolean(o.freshModules),
          courseOnly: Boolean(o.courseOnly),
          ...(o.sandbox === false ? { noSandbox: true } : {}),
          ...(o.verifySample > 0 ? { verifySample: o.verifySample } : {}),
          ...(o.checkDeterminism ? { checkDeterminism: true } : {}),
        }),
      );
    });

  program
    .command('replay')
    .description(
      're-run one run of one test, exactly, in this process, under the same watchdogs as a grade worker (--timeout); ends with its verdict (PASS, FAIL, HUNG) and fingerprint',
    )
    .argument('<TEST>', 'test name, e.g. TestBackup2B')
    .addOption(seedOpt('the seed to replay').makeOptionMandatory())
    .option('--impl <DIR>', implHelp)
    .addOption(referenceOpt())
    .option('--trace', 'print the event trace with virtual timestamps')
    .option(
      '--columns',
      'print the trace in one column per node, coloured by topic (at the end of the run; for a run that hangs, use --trace)',
    )
    .option('--rpc', 'show RPC arguments and replies, abbreviated (a log as entries[3]: 12..14)')
    .option(
      '--html [FILE]',
      'write the run viewer, one HTML file that draws the run (default: TEST-seedS-run.html)',
    )
    .addOption(
      new Option(
        '--topics <LIST>',
        "only these topics, e.g. election,append: the implementation's runtime.log topics, and the topic each other record is coloured by",
      ).argParser(arg(parseTopics)),
    )
    .addOption(
      new Option(
        '--only <KINDS>',
        `only these record kinds, e.g. log,crash,net,test (kinds: ${TRACE_KINDS.join(', ')})`,
      ).argParser(arg(parseKinds)),
    )
    .option('--nodes <LIST>', 'only these nodes, e.g. 0,1 (or S0,S1)')
    .addOption(
      new Option('--from <S>', 'from this virtual second').argParser(
        arg((t) => parseSeconds(t, '--from', true)),
      ),
    )
    .addOption(
      new Option('--to <S>', 'up to this virtual second').argParser(
        arg((t) => parseSeconds(t, '--to', true)),
      ),
    )
    .addOption(
      new Option('--width <N>', 'width of --columns output (default: the terminal)').argParser(
        arg((t) => parseCount(t, '--width', 40, 1000)),
      ),
    )
    .addOption(timeoutOpt())
    .addOption(levelOpt())
    .addOption(
      new Option(
        '--plan <JSON|FILE>',
        "a swarm test's fault plan instead of the seed's own, as grade shrink prints it",
      ).argParser(arg(parsePlan)),
    )
    .addOption(sandboxOpt())
    .action(async (test: string, o) => {
      if (o.from !== undefined && o.to !== undefined && o.from > o.to)
        throw new UsageError(
          `--from ${o.from} is after --to ${o.to}: nothing could match; give --from before --to`,
        );
      const impl = chooseImpl(o.impl, o.reference);
      setExit(
        await replay({
          test,
          seed: o.seed,
          implArg: impl.impl,
          ...(impl.reference ? { reference: impl.reference } : {}),
          trace: Boolean(o.trace),
          columns: Boolean(o.columns),
          rpc: Boolean(o.rpc),
          ...(o.only ? { only: o.only } : {}),
          ...(o.topics ? { topics: o.topics } : {}),
          ...(o.nodes
            ? {
                nodes: new Set(
                  String(o.nodes)
                    .split(',')
                    .map((s: string) => s.trim().replace(/^S(\d+)$/, '$1')),
                ),
              }
            : {}),
          ...(o.from !== undefined ? { fromMs: o.from * 1000 } : {}),
          ...(o.to !== undefined ? { toMs: o.to * 1000 } : {}),
          ...(o.width ? { width: o.width } : {}),
          timeoutS: o.timeout,
          ...(o.level !== undefined ? { level: o.level } : {}),
          ...(o.plan !== undefined ? { plan: o.plan } : {}),
          ...(o.html ? { html: o.html as string | boolean } : {}),
          ...(o.sandbox === false ? { noSandbox: true } : {}),
        }),
      );
    });

  program
    .command('shrink')
    .description(
      `search for a smaller fault schedule that fails a failing swarm run the same way (${shrinkable().join(', ')}); prints it and the command that replays it`,
    )
    .argument('<TEST>', `a swarm test: ${shrinkable().join(' or ')}`)
    .addOption(seedOpt('the failing seed').makeOptionMandatory())
    .option('--impl <DIR>', implHelp)
    .addOption(referenceOpt())
    .addOption(levelOpt())
    .addOption(
      new Option('--budget <S>', 'real seconds the search may take')
        .default(120)
        .argParser(arg((t) => parseSeconds(t, '--budget'))),
    )
    .addOption(timeoutOpt())
    .addOption(sandboxOpt())
    .action(async (test: string, o) => {
      const log = (line: string) => console.log(line);
      const impl = chooseImpl(o.impl, o.reference);
      const result = await shrink({
        test,
        seed: o.seed,
        implArg: impl.impl,
        ...(impl.reference ? { reference: impl.reference } : {}),
        ...(o.level !== undefined ? { level: o.level } : {}),
        budgetS: o.budget,
        timeoutS: o.timeout,
        log,
        ...(o.sandbox === false ? { noSandbox: true } : {}),
      });
      printShrink(result, log);
      setExit(0);
    });

  program
    .command('compare')
    .description(
      'grade two implementations on the same seeds, side by side, with a verdict per lab part',
    )
    .argument('[LAB...]', 'as for grade')
    .option(
      '--impl <DIR>',
      'an implementation (give it twice: --impl A --impl B)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .addOption(referenceOpt())
    .option('--run <REGEX>', 'only tests whose names match')
    .addOption(runsOpt())
    .addOption(parallelOpt())
    .addOption(seedOpt('first seed (default: random, always printed)'))
    .option('--json <FILE>', 'write every run of both as JSON')
    .addOption(timeoutOpt())
    .addOption(memoryOpt())
    .option('-q, --quiet', 'no live view')
    .addOption(freshModulesOpt())
    .addOption(courseOnlyOpt())
    .addOption(sandboxOpt())
    .action(async (labs: string[] | undefined, o) => {
      setExit(
        await compare({
          labs: labs ?? [],
          run: o.run,
          runs: o.runs,
          parallel: o.parallel,
          seed: o.seed,
          impls: o.impl,
          ...(o.reference ? { reference: o.reference } : {}),
          json: o.json,
          timeoutS: o.timeout,
          workerMemoryMb: o.workerMemory,
          quiet: o.quiet,
          freshModules: Boolean(o.freshModules),
          courseOnly: Boolean(o.courseOnly),
        }),
      );
    });

  program
    .command('merge')
    .description('combine the --json results of shards into one report')
    .argument('<FILES...>', 'results files written by grade --json')
    .option('--json <FILE>', 'write the merged results')
    .option('--junit <FILE>', 'write the merged results as JUnit XML (as grade --junit)')
    .addOption(failuresOpt())
    .action((files: string[], o) => {
      const formats = o.junit ? { junit: o.junit as string } : {};
      checkFormatPaths(formats);
      setExit(merge(files, o.json, o.failures));
      // The same merge again (it is cheap): the formats other programs read, and the step summary.
      const { merged } = mergeFiles(
        files.map((f) => readGradeFile(f)),
        files,
      );
      for (const line of writeFormats(merged, formats)) process.stdout.write(`${line}\n`);
    });

  program
    .command('gradescope')
    .description(
      'build a Gradescope autograder bundle: the student edition (no reference solution), setup.sh, run_autograder and these settings; it grades /autograder/submission and writes results/results.json',
    )
    .requiredOption('--parts <LAB...>', `the parts to grade: ${labWords()}`)
    .addOption(runsOpt())
    .addOption(
      seedOpt(
        'a fixed first seed for every submission (default: each submission its own, printed)',
      ),
    )
    .addOption(
      new Option('-p, --parallel <P>', "worker processes on Gradescope's machine")
        .default(1)
        .argParser(arg((t) => parseCount(t, '-p/--parallel', 1, 256))),
    )
    .addOption(timeoutOpt())
    .addOption(
      new Option('--visibility <WHEN>', 'when students see the results')
        .choices(VISIBILITIES)
        .default('visible'),
    )
    .addOption(courseOnlyOpt())
    .option('--out <FILE>', 'the bundle to write', 'autograder.zip')
    .action(
      (o: {
        parts: string[];
        runs: number;
        seed?: number;
        parallel: number;
        timeout: number;
        visibility: Visibility;
        courseOnly?: boolean;
        out: string;
      }) => {
        checkWritableFile(o.out, '--out');
        const b = buildBundle({
          parts: o.parts.flatMap((x) => x.split(',')).filter(Boolean),
          runs: o.runs,
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
          parallel: o.parallel,
          timeoutS: o.timeout,
          visibility: o.visibility,
          ...(o.courseOnly ? { courseOnly: true } : {}),
          out: o.out,
        });
        console.log(
          `autograder bundle: ${b.file} (${b.files} files, ${(b.bytes / 1024).toFixed(0)} KiB): upload it as the assignment's autograder (zip file, Ubuntu base image)`,
        );
        setExit(0);
      },
    );

  program
    .command('autograde')
    .description(
      "what a Gradescope bundle's run_autograder runs: grade the student's folder in ROOT/submission and write ROOT/results/results.json",
    )
    .option('--root <DIR>', "Gradescope's folder", '/autograder')
    .option('--config <FILE>', 'the settings dslab gradescope wrote', CONFIG_NAME)
    .action(async (o: { root: string; config: string }) => {
      setExit(await autograde(o.root, readConfig(o.config)));
    });

  program
    .command('roster')
    .description(
      'grade many submissions (folders laid out like starter/, or .tar.gz/.zip archives of one) on the same seeds, one after another, and write a gradebook (gradebook.csv, .json, .html) under --out; resumable, unchanged submissions are not graded again',
    )
    .argument(
      '<SUBMISSION...>',
      'folders, .tar.gz/.tgz or .zip archives (unpacked into DIR/submissions/NAME/)',
    )
    .requiredOption(
      '--parts <LAB...>',
      `the parts to grade (comma-separated or several): ${labWords()}`,
    )
    .addOption(runsOpt())
    .addOption(
      seedOpt(
        'the first seed, the same for every submission (default: the one this --out used before, else random; printed)',
      ),
    )
    .addOption(parallelOpt())
    .option(
      '--out <DIR>',
      'where the gradebook, results/, submissions/ and traces/ go',
      'roster-out',
    )
    .addOption(timeoutOpt())
    .addOption(
      new Option(
        '--traces <N>',
        'failing runs per test whose trace is saved under DIR/traces/NAME/',
      )
        .default(1)
        .argParser(arg((t) => parseCount(t, '--traces', 0, 1_000_000))),
    )
    .addOption(memoryOpt())
    .addOption(freshModulesOpt())
    .addOption(courseOnlyOpt())
    .option('--force', 'grade every submission again, even those whose results are stored')
    .addOption(sandboxOpt())
    .addOption(verifyOpt(2))
    .addOption(determinismOpt())
    .action(async (submissions: string[], o) => {
      setExit(
        await roster({
          submissions,
          parts: o.parts,
          runs: o.runs,
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
          parallel: o.parallel,
          out: o.out,
          timeoutS: o.timeout,
          traces: o.traces,
          ...(o.workerMemory !== undefined ? { workerMemoryMb: o.workerMemory } : {}),
          ...(o.freshModules ? { freshModules: true } : {}),
          ...(o.courseOnly ? { courseOnly: true } : {}),
          ...(o.force ? { force: true } : {}),
          ...(o.sandbox === false ? { noSandbox: true } : {}),
          verifySample: o.verifySample,
          ...(o.checkDeterminism ? { checkDeterminism: true } : {}),
        }),
      );
    });

  program
    .command('list')
    .description('list the tests of some lab parts')
    .argument('[LAB...]', 'as for grade')
    .action((labs: string[] | undefined) => {
      const reg = registry();
      for (const id of parseLabs(labs ?? [], reg)) {
        if (id === SWARM) {
          for (const s of reg.swarm) console.log(`${SWARM}  ${s.name.padEnd(36)} ${s.description}`);
          continue;
        }
        const part = reg.parts.find((p) => p.id === id)!;
        if (testsOf(part).length === 0) console.log(`${id}: (no tests yet)`);
        for (const s of testsOf(part)) {
          const ours = part.ours.includes(s) && !/\bours\b/.test(s.description) ? ' (ours)' : '';
          console.log(`${id}  ${s.name.padEnd(36)} ${s.description}${ours}`);
        }
      }
      setExit(0);
    });
  return program;
}

/** Options the grader takes that npm also reads as its own config when given before `--`. */
const OPTION_NAMES = [
  'seed',
  'runs',
  'parallel',
  'run',
  'impl',
  'reference',
  'json',
  'junit',
  'parts',
  'visibility',
  'out',
  'timeout',
  'shard',
  'failures',
  'traces',
  'quiet',
  'bail',
  'keep_going',
  'fresh_modules',
  'course_only',
  'level',
  'plan',
  'trace',
  'columns',
  'rpc',
  'topics',
  'only',
  'nodes',
  'from',
  'to',
  'width',
];

/**
 * `npm run grade lab2a -n 2 --seed 5` (no --): npm keeps the options for itself and passes
 * "lab2a 2 5". Say so instead of only "unknown lab 5".
 */
function npmHint(message: string): string {
  if (process.env.npm_lifecycle_event !== 'grade') return '';
  const eaten = OPTION_NAMES.filter((o) => process.env[`npm_config_${o}`] !== undefined);
  if (eaten.length === 0 && !/^unknown lab "[\d.]+"/.test(message)) return '';
  return ` -- npm kept the options before "--" for itself${eaten.length ? ` (--${eaten.map((o) => o.replace(/_/g, '-')).join(', --')})` : ''}: write npm run grade -- LAB [options], or npx dslab grade LAB [options]`;
}

/** --impl and --reference as given, else the learner's default (DSLAB_IMPL, dslab.json), else src. */
function chooseImpl(
  impl: string | undefined,
  reference: LayerName[] | undefined,
): { impl: string; reference?: LayerName[]; implFrom?: string } {
  if (impl !== undefined) {
    if (reference) return { impl, reference };
    const ref = configReferenceFor(impl);
    if (!ref) return { impl };
    return { impl, reference: parseLayers(ref), implFrom: `reference ${ref} from ${CONFIG_FILE}` };
  }
  const d = defaultImpl();
  const ref = reference ?? (d.reference ? parseLayers(d.reference) : undefined);
  return {
    impl: d.impl,
    ...(ref ? { reference: ref } : {}),
    ...(d.from ? { implFrom: d.from } : {}),
  };
}

async function main(): Promise<void> {
  // As the package's bin: `dslab grade 2a ...` is `grade 2a ...`; `dslab replay ...` works too.
  if (process.argv[2] === 'grade') process.argv.splice(2, 1);
  let code = 0;
  let program: Command;
  try {
    chooseEdition(process.argv);
    program = build((c) => (code = c));
  } catch (error) {
    // The registry could not be loaded (a GRADE_EXTRA_SCENARIOS module): one line, exit status 2.
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`grade: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  program.exitOverride();
  program.configureOutput({
    // Commander's own errors (unknown option, missing argument): one line, with where to look.
    outputError: (text, write) =>
      write(`${text.trim().replace(/^error: /, 'grade: ')} (npm run grade -- --help)\n`),
  });
  for (const sub of program.commands) {
    sub.exitOverride();
    sub.configureOutput({
      outputError: (text, write) =>
        write(
          `${text.trim().replace(/^error: /, 'grade: ')} (npm run grade -- ${sub.name()} --help)\n`,
        ),
    });
  }
  try {
    // `grade reply ...`: a command mistyped, not a lab (said before its options are refused).
    const typo = commandTypo(process.argv[2] ?? '', COMMANDS);
    if (typo) throw new UsageError(typo);
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof CompileError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`grade: ${error.message}${npmHint(error.message)}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  process.exitCode = code;
}

// A reader that goes away (grade replay ... | head) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main()
  .catch((error) => {
    process.stderr.write(
      `grade: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 3;
  })
  .finally(() => {
    // Never hang on exit: if a stray handle keeps the process alive, leave anyway.
    setTimeout(() => process.exit(), 3000).unref();
  });
