// npm run pack:student [-- --out DIR] [--edition 2026]: writes the student edition, a self-contained copy of the
// project without the reference solutions: the harness, the lab suites, the grader and checker, the
// starter kit, the tests that do not need a reference, and a README for learners. Nothing from
// src/ or impls/ (nor anything compiled from them: dist/ is not copied, npm ci builds it there).
// It is taken from the files git tracks, so local leftovers (mylab/, dslab.json, .grade-out/)
// never leak into it. Every edition of the course is in it; --edition 2026 makes its README open
// with the 2026 edition's first steps (the commands its smoke test runs).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isEdition, type Edition } from '../labs/editions';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Top-level entries of the project that go into the edition (anything else stays out). */
const INCLUDED = [
  'engine',
  'checker',
  'harness',
  'labs',
  'grader',
  'viewer',
  'starter',
  'test',
  'tools/new-lab.ts',
  'tools/starter-parts.ts',
  'tools/parts-table.ts',
  'docs/run-viewer.png', // the README's picture of the run viewer
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'eslint.config.mjs',
  '.mocharc.json',
  '.gitignore',
];

/** Tests that need the reference implementation (or are about this edition): left out. */
export const EXCLUDED_TESTS = [
  'test/labs.spec.ts', // every lab test on the reference
  'test/raft/', // the reference Raft's rules, mini cluster and buggy variants
  'test/harness/invariant.spec.ts', // runs a scenario with the reference as its implementation
  'test/kvraft/', // the reference key/value service and its variants
  'test/shardctrler/rebalance.spec.ts', // the reference controller's rebalance
  'test/shardctrler/smoke.spec.ts', // the reference controller on the 4A suite
  'test/shardctrler/variants.spec.ts', // the buggy controllers in impls/
  'test/shardkv/', // the reference sharded service's state and its buggy variants
  'test/support/variants.ts', // the variants specs' runner (impls/ against the reference)
  'test/grader/checks.spec.ts', // check ids end to end, on buggy variants (impls/)
  'test/grader/shrink.spec.ts', // shrinks a buggy variant's failing swarm seed (impls/)
  'test/grader/swarm-part.spec.ts', // grades a buggy key/value service on the swarm (impls/)
  'test/learner/reference.spec.ts', // --reference needs the reference
  'test/learner/concurrent-builds.spec.ts', // learners' folders made from the reference, mixed with it
  'test/learner/printed-commands.spec.ts', // learners' folders made from the reference
  'test/learner/student.spec.ts', // packs this edition
  'test/learner/student-2026.spec.ts', // packs this edition for 2026
  'test/ours/swarm-levels.spec.ts', // the swarm's levels on the reference and its variants
  'test/ours/impls/', // a 2B-only Raft made from the reference
  'test/grader/defaults.spec.ts', // a spec's grader without --impl grades src (the reference)
  'test/staff/', // course staff's formats and deployment files, on the reference and impls/
  'test/viewer/viewer-browser.spec.ts', // the run viewer of a buggy Raft's failing run (impls/)
  'test/viewer/viewer-replay.spec.ts', // replay --html of that run (impls/)
  'test/roster/', // dslab roster on learners' folders made from the reference
  'test/e2026/lab2.spec.ts', // the 2026 lab 2 on the reference and its variants (impls/)
  'test/e2026/lab3.spec.ts', // 2026's Raft tests against 2023's, on the reference and impls/
  'test/e2026/lab4.spec.ts', // the 2026 rsm layer on the reference and its variants (impls/)
  'test/e2026/lab4-kv.spec.ts', // the 2026 key/value service on rsm, reference and variants (impls/)
  'test/e2026/lab5.spec.ts', // the 2026 sharded service (lab 5), reference and variants (impls/)
  'test/e2026/lock-swarm.spec.ts', // the lock swarm on the reference and its variants (impls/)
  'test/grader/reference-figures.spec.ts', // the reference's figures, a slow variant in impls/
  'test/grader/provenance.spec.ts', // grades the reference (src) in shards and merges them
  'test/grader/determinism.spec.ts', // --check-determinism on the reference and a fixture made from it
  'test/grader/impls/hidden-counter/', // the reference Raft with state hidden between runs
  'test/mutation/', // the lists of the reference's equivalent mutants (stryker/, not shipped)
];

/** README.md sections that make the learners' README, in this order. */
const README_SECTIONS = [
  "The learner's path",
  'The parts',
  'Grading: `npm run grade`',
  'Writing code that obeys the determinism contract',
];

function included(file: string): boolean {
  if (!INCLUDED.some((entry) => file === entry || file.startsWith(`${entry}/`))) return false;
  return !EXCLUDED_TESTS.some((entry) =>
    entry.endsWith('/') ? file.startsWith(entry) : file === entry,
  );
}

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    })
      .split('\0')
      .filter(Boolean);
  } catch (error) {
    throw new Error(
      `pack:student reads the file list from git (git ls-files) in ${PROJECT_ROOT}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** The sections of a Markdown document under the given `## ` headings. */
export function sections(markdown: string, headings: readonly string[]): string {
  const parts = markdown.split(/^(?=## )/m);
  return headings
    .map((h) => {
      const part = parts.find((p) => p.startsWith(`## ${h}\n`));
      if (!part)
        throw new Error(
          `README.md has no section "## ${h}" (the student edition's README is made of ${headings.map((x) => `"${x}"`).join(', ')})`,
        );
      return part.trimEnd();
    })
    .join('\n\n');
}

/**
 * The README's text as the edition has it: what only the full project has is marked
 * `<!-- full -->...<!-- /full -->` (left out) and the edition's own words `<!-- student: ... -->`
 * (put in), so that its README names nothing it does not ship.
 */
export function studentText(markdown: string): string {
  return markdown
    .replace(/<!-- full -->[\s\S]*?<!-- \/full -->/g, '')
    .replace(/<!-- student: ([\s\S]*?) -->/g, '$1');
}

/**
 * The project paths a README names: backquoted or linked paths, and bare file names, whose first
 * segment is one of `topLevel` (the project's top-level entries; a learner's folder, `raft/raft.ts`
 * inside it or the course's Go files are not the project's).
 */
export function namedPaths(markdown: string, topLevel: readonly string[]): string[] {
  const candidates = [
    ...[...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]),
    ...[...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]),
    ...[...markdown.matchAll(/(?<![\w/.-])([A-Za-z][\w-]*\.(?:md|json))\b/g)].map((m) => m[1]),
  ];
  const top = new Set(topLevel);
  return [
    ...new Set(
      candidates
        .filter((c) => /^[\w.-]+(\/[\w.*-]*)*$/.test(c))
        .filter((c) => top.has(c.split('/')[0])),
    ),
  ].sort();
}

/** The project's top-level entries, as git tracks them. */
export function topLevelEntries(): string[] {
  return [...new Set(trackedFiles().map((f) => f.split('/')[0]))];
}

/** The heading of the 2026 README's first steps, whose commands its smoke test runs. */
export const FIRST_STEPS_2026 = '## First steps (2026 edition)';

function studentReadme(edition: Edition): string {
  const readme = studentText(fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8'));
  if (edition === '2026') return studentReadme2026(readme);
  return `# dslab — student edition

Raft, a fault-tolerant key/value service on Raft, a shard controller and a sharded key/value
service, in the shape of MIT 6.824's labs — which you write, in TypeScript, starting from the kit in
\`starter/\`. Every test is a seeded simulation in virtual time: a failure found on one seed replays
identically, event by event. Node.js 20.19 or later; \`npm ci\` is all the set-up.

${sections(readme, README_SECTIONS)}
`;
}

/** The README's "### Editions" subsection of "## The parts": the 2026 edition's parts and labs. */
const EDITIONS_HEADING = '### Editions: 2023 (the default) and 2026';

/**
 * `section` (one "## " section) cut at its `### heading`: the text before it, and the subsection
 * itself up to the next "### " or the end.
 */
function splitAtSubsection(section: string, heading: string): [before: string, sub: string] {
  const at = section.indexOf(`${heading}\n`);
  if (at < 0)
    throw new Error(
      `README.md's "The parts" has no "${heading}" (the 2026 student README is made of it)`,
    );
  const rest = section.slice(at + heading.length + 1);
  const next = rest.search(/^### /m);
  return [section.slice(0, at).trimEnd(), (next < 0 ? rest : rest.slice(0, next)).trim()];
}

/**
 * The 2026 edition's README: its first steps, its parts and labs (the README's editions
 * subsection), grading and the determinism contract; the 2023 edition's learner's path and parts
 * come last, as the edition this copy also holds and every command takes by default.
 */
function studentReadme2026(readme: string): string {
  const [parts2023, editions] = splitAtSubsection(
    sections(readme, ['The parts']),
    EDITIONS_HEADING,
  );
  const path2023 = sections(readme, ["The learner's path"]).replace(/^## .*\n/, '');
  return `# dslab — student edition (2026)

The labs of MIT 6.5840 as the course has laid them out since 2025 — a key/value server with
versioned puts and a lock on it (lab 2), Raft (lab 3), a replicated state machine layer and a
key/value service on it (lab 4), a sharded key/value service whose controller moves shards (lab 5)
— which you write, in TypeScript, starting from the kit in \`starter/\`. Every test is a seeded
simulation in virtual time: a failure found on one seed replays identically, event by event.
Node.js 20.19 or later; \`npm ci\` is all the set-up.

This copy also holds the 2023 edition (6.824's labs 2A-4B, at the end of this README), which every
command takes unless told otherwise: name yours on each command with \`--edition 2026\`, or once in
\`dslab.json\`.

${FIRST_STEPS_2026}

\`\`\`sh
npm run new-lab -- mylab --edition 2026                 # your copy of the kit: kvsrv/, lock/, raft/, rsm/, kvraft1/, shardkv1/
npm run grade -- --edition 2026 lab2kv --impl mylab     # part 2KV: each test fails "not implemented yet (part 2KV)" until you write it
npm run grade -- --edition 2026 lab3a --impl mylab      # Raft's first part, 3A
\`\`\`

To grade mylab without \`--impl\` and \`--edition\`, write \`{ "impl": "mylab", "edition": "2026" }\` to
\`dslab.json\`. Work through the parts in the order of the table below: each builds on the ones
before. Every entry point you have not written yet throws at once, naming itself and its part, so
an unfinished part fails in milliseconds with that message, never with a hang. Read the header of
\`raft/raft.ts\` first: your code must take time, timers and randomness from the runtime it is
given (see "Writing code that obeys the determinism contract" below).

## The parts (2026 edition)

${editions}

${sections(
  readme,
  README_SECTIONS.filter((h) => h !== "The learner's path" && h !== 'The parts'),
)}

## The 2023 edition (6.824, labs 2A-4B)

Every command takes this edition unless told \`--edition 2026\`; \`npm run new-lab\` without
\`--edition\` copies its kit (\`raft/\`, \`kvraft/\`, \`shardctrler/\`, \`shardkv/\`).

${path2023.trim()}

${parts2023.replace(/^## The parts\n/, '### The parts (2023 edition)\n')}
`;
}

/** Code in the edition that still imports or loads the reference: a packing mistake, named. */
function referenceImports(dir: string, files: string[]): string[] {
  const bad: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) {
      const target = path.relative(dir, path.resolve(path.dirname(path.join(dir, file)), m[1]));
      if (m[1].startsWith('.') && /^(src|impls|bench)(\/|$)/.test(target))
        bad.push(`${file} imports ${m[1]}`);
    }
    // The loader's default is the reference (dist/src).
    if (/new Implementation\(\)/.test(text))
      bad.push(`${file} loads the reference (new Implementation())`);
  }
  return bad;
}

export function packStudent(
  out: string,
  edition: Edition = '2023',
): { dir: string; files: string[] } {
  const dir = path.resolve(out, 'dslab');
  if (fs.existsSync(dir))
    throw new Error(`${dir} already exists: remove it or choose another --out`);
  const files = trackedFiles().filter(included);
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
  }
  // Build and scripts without the reference, the benchmarks and this packer.
  const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')) as {
    include: string[];
  };
  tsconfig.include = tsconfig.include.filter((d) => !['src', 'impls', 'bench'].includes(d));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    description: string;
  };
  delete pkg.scripts.bench;
  delete pkg.scripts['pack:student'];
  // Fingerprints are recorded on the reference implementation, and mutation testing mutates it.
  delete pkg.scripts.fingerprints;
  delete pkg.scripts.mutation;
  delete pkg.scripts['reference-figures'];
  pkg.description =
    edition === '2026'
      ? `${pkg.description} Student edition (2026): no reference solutions; start with npm run new-lab -- --edition 2026.`
      : `${pkg.description} Student edition: no reference solutions; start with npm run new-lab.`;
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'README.md'), studentReadme(edition));
  const written = [...files, 'README.md'];
  const bad = referenceImports(dir, written);
  if (bad.length > 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `these files of the student edition import the reference: ${bad.join('; ')}; add them to EXCLUDED_TESTS in tools/pack-student.ts or remove the import`,
    );
  }
  return { dir, files: written.sort() };
}

/** --out DIR and --edition E, each at most once; undefined for anything else. */
function parseArgs(args: string[]): { out?: string; edition?: string } | undefined {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (!['--out', '--edition'].includes(flag) || value === undefined || flag in options)
      return undefined;
    options[flag] = value;
  }
  return { out: options['--out'], edition: options['--edition'] };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write(
      'usage: npm run pack:student [-- --out DIR] [--edition 2023|2026]   (default DIR: out/student; the edition goes to DIR/dslab)\n',
    );
    process.exitCode = 2;
    return;
  }
  const edition = args.edition ?? '2023';
  if (!isEdition(edition)) {
    process.stderr.write(
      `pack:student: unknown edition ${JSON.stringify(edition)}: use --edition 2023 or --edition 2026\n`,
    );
    process.exitCode = 2;
    return;
  }
  const out = args.out ?? path.join(PROJECT_ROOT, 'out', 'student');
  try {
    const { dir, files } = packStudent(out, edition);
    console.log(`student edition: ${dir} (${files.length} files, no src/ or impls/)`);
    console.log(
      `hand it out as a repository (cd ${dir} && git init && git add . && git commit -m 'dslab, student edition') or an archive (tar czf dslab-student.tgz -C ${path.dirname(dir)} dslab)`,
    );
  } catch (error) {
    process.stderr.write(`pack:student: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

if (require.main === module) main();
