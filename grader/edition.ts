// Which edition of the course the grader works on (labs/editions.ts): `--edition YEAR` anywhere on
// the command line (or a part word's prefix, `2026:lab2`), else dslab.json's "edition", else 2023;
// `replay` and `shrink` of a test of another edition only take that edition. Taken off the command line before the
// commands parse it, so that every command (grading, list, replay, help) follows it, and written
// to DSLAB_EDITION for this process's registry and its workers'.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_EDITION, EDITION_ENV, EDITIONS, isEdition, type Edition } from '../labs/editions';
import { findScenario, levelsOf, loadRegistry, type Registry } from '../labs';
import { UsageError } from './select';
import { CONFIG_FILE } from './learner/defaults';
import { PROJECT_ROOT } from './learner/compile';

function checked(text: string, where: string): Edition {
  const e = text.trim();
  if (!isEdition(e))
    throw new UsageError(`unknown edition "${text}" (${where}): choose ${EDITIONS.join(' or ')}`);
  return e;
}

/** The edition dslab.json names, if it names one (its other errors are defaults.ts's to report). */
function fromConfig(root: string): Edition | undefined {
  const file = path.join(root, CONFIG_FILE);
  if (!fs.existsSync(file)) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const e = (config as { edition?: unknown } | null)?.edition;
  if (e === undefined) return undefined;
  if (typeof e !== 'string')
    throw new UsageError(`${file}: "edition" must be a string, e.g. "2026"`);
  return checked(e, CONFIG_FILE);
}

/**
 * The edition named on the command line, taken off it: `--edition YEAR`, `--edition=YEAR`, or a
 * part word's own prefix (`2026:lab2` becomes `lab2`). Two different editions are an error.
 */
function takeNamed(argv: string[]): Edition | undefined {
  let named: Edition | undefined;
  const name = (e: Edition, where: string) => {
    if (named && named !== e)
      throw new UsageError(`two editions named (${named} and ${e}, ${where}): grade one at a time`);
    named = e;
  };
  for (let i = 2; i < argv.length; i++) {
    const prefix = /^(\d{4}):(\S+)$/.exec(argv[i]);
    if (prefix) {
      name(checked(prefix[1], argv[i]), argv[i]);
      argv[i] = prefix[2];
      continue;
    }
    const m = /^--edition(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const value = m[1] ?? argv[i + 1];
    if (value === undefined || value.startsWith('-'))
      throw new UsageError(`--edition needs a year: ${EDITIONS.join(' or ')}`);
    name(checked(value, '--edition'), '--edition');
    argv.splice(i, m[1] === undefined ? 2 : 1);
    i--;
  }
  return named;
}

/**
 * `replay TEST` and `shrink TEST` of a test registered only in another edition, or of a swarm test
 * at a level (`--level 3B`) only another edition's parts name: that edition (test names and a
 * swarm test's levels differ between editions, and the replay lines a grade prints name no edition;
 * TestSwarmRaft is in both, at 2B-2D in 2023 and at 3B-3D in 2026).
 */
function editionOfTest(argv: readonly string[], chosen: Edition): Edition | undefined {
  if (argv[2] !== 'replay' && argv[2] !== 'shrink') return undefined;
  const test = argv[3];
  if (!test || test.startsWith('-')) return undefined;
  const at = argv.findIndex((a) => a === '--level' || a.startsWith('--level='));
  const level = at < 0 ? undefined : (argv[at].split('=')[1] ?? argv[at + 1]);
  const fits = (reg: Registry) => {
    const s = findScenario(test, reg);
    if (!s) return false;
    const wanted = level?.trim().toUpperCase().replace(/^LAB/, '');
    return (
      wanted === undefined || levelsOf(s, reg).length === 0 || levelsOf(s, reg).includes(wanted)
    );
  };
  try {
    if (fits(loadRegistry(undefined, chosen))) return undefined;
  } catch {
    return undefined; // a registry that cannot load: the command reports it
  }
  // The other editions as registered here (a GRADE_EXTRA_SCENARIOS module adds to the chosen one).
  return EDITIONS.find((e) => e !== chosen && fits(loadRegistry('', e)));
}

/**
 * Takes the edition off `argv` (takeNamed) and sets DSLAB_EDITION to the edition chosen; returns
 * it. An edition already in the environment (a parent grader's) stands unless the command line
 * names one. DSLAB_IMPL set but empty (the project's own tests) ignores dslab.json.
 */
export function chooseEdition(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  root: string = PROJECT_ROOT,
): Edition {
  const named = takeNamed(argv);
  const inherited = env[EDITION_ENV]?.trim();
  const ignoreConfig = env.DSLAB_IMPL !== undefined && env.DSLAB_IMPL.trim() === '';
  let edition =
    named ??
    (inherited ? checked(inherited, EDITION_ENV) : undefined) ??
    (ignoreConfig ? undefined : fromConfig(root)) ??
    DEFAULT_EDITION;
  if (!named) edition = editionOfTest(argv, edition) ?? edition;
  env[EDITION_ENV] = edition;
  return edition;
}

/** How the grader's first line names the edition: nothing for the default. */
export function editionTag(env: NodeJS.ProcessEnv = process.env): string {
  const e = env[EDITION_ENV]?.trim();
  return e && e !== DEFAULT_EDITION ? ` (${e} edition)` : '';
}
