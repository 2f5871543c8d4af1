// The sweep files under deploy/ run what they say: for each engine (a Kubernetes Indexed Job, a
// Slurm job array, a GitHub Actions matrix), the exact grade command of the file runs once per index
// with the variables that engine sets (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID and _COUNT, the
// matrix's values), on a small workload given through the files' own variables (2A, 3 runs, seed 1);
// then the file's merge command runs, and the merged results must hold the same runs, with the same
// outcomes and fingerprints, as one machine grading all of them. A file whose command drifts (the
// shard arithmetic, the shard count, where results go) fails here; the last test proves it on
// altered copies.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { readResults, ROOT } from '../grader/helpers';
import { cleanup, tempDir } from '../learner/helpers';
import type { GradeFile } from '../../grader/results';

const DEPLOY = path.join(ROOT, 'deploy');
const read = (file: string) => fs.readFileSync(path.join(DEPLOY, file), 'utf8');

/**
 * The small workload, through the files' own variables; the implementation is the reference. 12
 * runs: more than the files' 8 shards, so that a shard count that drifts leaves runs ungraded.
 */
const WORKLOAD = { DSLAB_PARTS: '2a', DSLAB_RUNS: '3', DSLAB_SEED: '1' };
const IMPL = path.join(ROOT, 'src');
const NODE_MAJOR = process.versions.node.split('.')[0];

interface Shell {
  status: number | null;
  output: string;
}

/** Runs a script as the engine would (sh -c, bash FILE, bash -eo pipefail -c), in cwd, with env. */
function run(argv: string[], cwd: string, env: Record<string, string>): Shell {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
    CI: 'true',
    FORCE_COLOR: '0',
    DSLAB_IMPL: IMPL,
  };
  for (const name of ['GRADE_EXTRA_SCENARIOS', 'DSLAB_DIR', 'GITHUB_STEP_SUMMARY'])
    delete base[name];
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 2 ** 20,
  });
  return {
    status: r.status,
    output: `$ ${argv.join(' ')}\n${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}`,
  };
}

/** A folder laid out like the image's /dslab or a checkout: the project's compiled grader in dist/. */
function checkout(parent: string, name: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'));
  return dir;
}

/** Kubernetes expands $(VAR) in command and args from the container's env ($$ is a literal $). */
function k8sExpand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name?: string) =>
    m === '$$' ? '$' : name !== undefined && name in env ? env[name] : m,
  );
}

/** test/seed -> outcome and fingerprint. */
function runsOf(file: GradeFile): Map<string, string> {
  return new Map(
    file.results.map((r) => [
      `${r.test}/${r.seed}${r.level ? `/${r.level}` : ''}`,
      `${r.status} ${r.check ?? ''} ${r.fingerprint ?? 'no fingerprint'}`,
    ]),
  );
}

interface Container {
  name: string;
  image: string;
  workingDir?: string;
  env?: { name: string; value: string }[];
  command?: string[];
  args?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface K8sJob {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: {
      spec: {
        initContainers?: Container[];
        containers: Container[];
        volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
      };
    };
  };
}

const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

/** A container's script: `sh -c SCRIPT`, with Kubernetes' $(VAR) expansion applied. */
function scriptOf(c: Container): string {
  expect(c.command, `${c.name}: command`).to.deep.equal(['sh', '-c']);
  expect(c.args, `${c.name}: args`).to.have.length(1);
  return k8sExpand(c.args![0], envOf(c));
}

interface Sweep {
  /** One command per index, with the engine's variables. */
  shards: { argv: string[]; cwd: string; env: Record<string, string> }[];
  /** Before the merge, in order (e.g. Kubernetes' init container, copying artefacts). */
  beforeMerge?: () => void;
  merge: { argv: string[]; cwd: string; env: Record<string, string> };
  merged: string;
}

/** Runs every shard and the merge; returns the merged results. */
function runSweep(s: Sweep): GradeFile {
  for (const shard of s.shards) {
    const r = run(shard.argv, shard.cwd, shard.env);
    if (r.status !== 0) throw new Error(`a shard's command failed (${r.status}):\n${r.output}`);
  }
  s.beforeMerge?.();
  const m = run(s.merge.argv, s.merge.cwd, s.merge.env);
  if (m.status !== 0) throw new Error(`the merge command failed (${m.status}):\n${m.output}`);
  expect(m.output).to.include('PASS');
  return readResults(s.merged);
}

// ---- the engines: each reads its file and turns it into a Sweep -------------------------------

function kubernetesSweep(text: string, dir: string): Sweep {
  const docs = parseAllDocuments(text).map((d) => d.toJS() as K8sJob);
  const sweep = docs.find((d) => d.kind === 'Job' && d.spec.completionMode === 'Indexed')!;
  const mergeJob = docs.find((d) => d.kind === 'Job' && d !== sweep)!;
  expect(sweep, 'an Indexed Job').to.not.equal(undefined);
  expect(mergeJob, 'a merge Job').to.not.equal(undefined);
  const n = sweep.spec.completions!;
  const [grade] = sweep.spec.template.spec.containers;
  const env = envOf(grade);
  // The results go to the volume both Jobs mount, under DSLAB_RESULTS.
  const mountOf = (job: K8sJob, c: Container) => {
    const mount = c.volumeMounts?.find((v) => v.mountPath === envOf(c).DSLAB_RESULTS);
    expect(mount, `${job.metadata.name}/${c.name} mounts DSLAB_RESULTS`).to.not.equal(undefined);
    return job.spec.template.spec.volumes!.find((v) => v.name === mount!.name)!
      .persistentVolumeClaim!.claimName;
  };
  const [merger] = mergeJob.spec.template.spec.containers;
  const [wait] = mergeJob.spec.template.spec.initContainers ?? [];
  expect(wait, 'the merge Job waits for the shards (an init container)').to.not.equal(undefined);
  expect(mountOf(mergeJob, merger)).to.equal(mountOf(sweep, grade));
  expect(mountOf(mergeJob, wait)).to.equal(mountOf(sweep, grade));
  const results = path.join(dir, 'volume');
  fs.mkdirSync(results);
  const work = checkout(dir, 'dslab');
  const override = { ...WORKLOAD, DSLAB_RESULTS: results };
  return {
    shards: Array.from({ length: n }, (_, i) => ({
      argv: ['sh', '-c', scriptOf(grade)],
      cwd: work,
      env: { ...env, ...override, JOB_COMPLETION_INDEX: String(i) },
    })),
    beforeMerge: () => {
      // Every shard is there: the init container's wait ends at once.
      const r = run(['sh', '-c', scriptOf(wait)], work, { ...envOf(wait), ...override });
      if (r.status !== 0) throw new Error(`the wait for the shards failed:\n${r.output}`);
    },
    merge: {
      argv: ['sh', '-c', scriptOf(merger)],
      cwd: work,
      env: { ...envOf(merger), ...override },
    },
    merged: path.join(results, 'merged.json'),
  };
}

/** `#SBATCH --array=1-8` and the like: the task ids (a plain range; a %throttle is allowed). */
function sbatchOption(text: string, name: string): string | undefined {
  return new RegExp(`^#SBATCH --${name}=(\\S+)`, 'm').exec(text)?.[1];
}

function slurmSweep(sweepText: string, mergeText: string, dir: string): Sweep {
  const array = /^(\d+)-(\d+)(%\d+)?$/.exec(sbatchOption(sweepText, 'array') ?? '');
  expect(array, '#SBATCH --array=A-B').to.not.equal(null);
  const ids: number[] = [];
  for (let id = Number(array![1]); id <= Number(array![2]); id++) ids.push(id);
  const submit = checkout(dir, 'submit');
  fs.writeFileSync(path.join(dir, 'sweep.sbatch'), sweepText);
  fs.writeFileSync(path.join(dir, 'merge.sbatch'), mergeText);
  const slurm = {
    SLURM_SUBMIT_DIR: submit,
    SLURM_ARRAY_TASK_COUNT: String(ids.length),
    SLURM_ARRAY_TASK_MIN: String(ids[0]),
    SLURM_ARRAY_TASK_MAX: String(ids.at(-1)),
    SLURM_CPUS_PER_TASK: sbatchOption(sweepText, 'cpus-per-task') ?? '1',
  };
  return {
    shards: ids.map((id) => ({
      argv: ['bash', path.join(dir, 'sweep.sbatch')],
      cwd: dir,
      env: { ...WORKLOAD, ...slurm, SLURM_ARRAY_TASK_ID: String(id) },
    })),
    merge: {
      argv: ['bash', path.join(dir, 'merge.sbatch')],
      cwd: dir,
      env: { SLURM_SUBMIT_DIR: submit },
    },
    merged: path.join(submit, 'results', 'merged.json'),
  };
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string | number>;
  jobs: Record<
    string,
    {
      needs?: string | string[];
      env?: Record<string, string | number>;
      strategy?: { matrix: Record<string, unknown[]> };
      steps: Step[];
    }
  >;
}

const MATRIX = /\$\{\{\s*matrix\.shard\s*\}\}/g;

/** GitHub runs `run:` with bash --noprofile --norc -eo pipefail. */
const bashStep = (script: string) => [
  'bash',
  '--noprofile',
  '--norc',
  '-eo',
  'pipefail',
  '-c',
  script,
];

function githubSweep(text: string, dir: string): Sweep {
  const wf = parseYaml(text) as Workflow;
  const grade = wf.jobs.grade;
  const shards = grade.strategy!.matrix.shard as number[];
  // The workflow's env, its ${{ inputs.* }} replaced by the workload.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...wf.env, ...grade.env })) {
    if (String(v).includes('${{')) {
      if (k in WORKLOAD) env[k] = WORKLOAD[k as keyof typeof WORKLOAD];
      else if (k === 'DSLAB_IMPL') env[k] = IMPL;
      else throw new Error(`the spec does not know what ${k}=${v} stands for`);
    } else env[k] = String(v);
  }
  const gradeStep = grade.steps.find((s) => s.run?.includes('dist/grader/cli.js grade'))!;
  const upload = grade.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
  const mergeJob = wf.jobs.merge;
  expect([mergeJob.needs].flat()).to.include('grade');
  const download = mergeJob.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
  const mergeStep = mergeJob.steps.find((s) => s.run?.includes('dist/grader/cli.js merge'))!;
  // The download takes every shard's artefact into one folder, where the merge reads them.
  const pattern = new RegExp(
    `^${String(download.with!.pattern)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  expect(download.with!['merge-multiple']).to.equal(true);
  const work = (k: number) => path.join(dir, `runner-${k}`);
  const mergeRunner = checkout(dir, 'merge-runner');
  const substitute = (s: string, k: number) => {
    const out = s.replace(MATRIX, String(k));
    expect(out, 'no other expression in the command').to.not.include('${{');
    return out;
  };
  return {
    shards: shards.map((k) => {
      checkout(dir, `runner-${k}`);
      return { argv: bashStep(substitute(gradeStep.run!, k)), cwd: work(k), env };
    }),
    beforeMerge: () => {
      // actions/upload-artifact then actions/download-artifact: each shard's file, by its name.
      const into = path.join(mergeRunner, String(download.with!.path));
      fs.mkdirSync(into, { recursive: true });
      for (const k of shards) {
        const name = substitute(String(upload.with!.name), k);
        expect(name, `artefact ${name} matches the download's pattern`).to.match(pattern);
        const file = path.join(work(k), substitute(String(upload.with!.path), k));
        expect(fs.existsSync(file), `shard ${k} uploads ${file}, which it wrote`).to.equal(true);
        fs.copyFileSync(file, path.join(into, path.basename(file)));
      }
    },
    merge: { argv: bashStep(mergeStep.run!), cwd: mergeRunner, env },
    merged: path.join(mergeRunner, 'results', 'merged.json'),
  };
}

describe('staff: the sweep files under deploy/ (Kubernetes, Slurm, GitHub Actions)', function () {
  this.timeout(600_000);
  let dir: string;
  let one: GradeFile;
  before(() => {
    dir = tempDir('cluster');
    const json = path.join(dir, 'one-machine.json');
    const r = run(
      [
        process.execPath,
        path.join(ROOT, 'dist', 'grader', 'cli.js'),
        'grade',
        WORKLOAD.DSLAB_PARTS,
        '-n',
        WORKLOAD.DSLAB_RUNS,
        '--seed',
        WORKLOAD.DSLAB_SEED,
        '-p',
        '2',
        '-q',
        '--json',
        json,
      ],
      dir,
      {},
    );
    expect(r.status, r.output).to.equal(0);
    one = readResults(json);
    expect(one.results).to.have.length(15);
  });
  after(() => cleanup(dir));

  /** The merged results are one machine's: every run, same outcome, same fingerprint, complete. */
  function expectSameAsOneMachine(merged: GradeFile): void {
    expect(merged.tests).to.deep.equal(one.tests);
    expect([merged.seed, merged.runs]).to.deep.equal([one.seed, one.runs]);
    expect(merged.results.length).to.equal(merged.expectedRuns);
    expect(merged.shard).to.equal(undefined);
    expect(merged.interrupted).to.equal(false);
    expect(runsOf(merged)).to.deep.equal(runsOf(one));
  }

  const sub = (name: string) => {
    const d = path.join(dir, name);
    fs.mkdirSync(d);
    return d;
  };

  it('deploy/Dockerfile: Node of the major the fingerprints are recorded on, npm ci, the grader as entry point', () => {
    const text = read('Dockerfile');
    const from = /^FROM node:(\d+)[-\w.]*$/m.exec(text);
    expect(from?.[1], 'FROM node:MAJOR').to.equal(NODE_MAJOR);
    expect(text).to.match(/^RUN npm ci\b/m);
    expect(/^WORKDIR (\S+)$/m.exec(text)?.[1]).to.equal('/dslab');
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(text)?.[1];
    expect(JSON.parse(entry ?? 'null')).to.deep.equal(['node', 'dist/grader/cli.js']);
    // Every container of the sweep runs in that image's WORKDIR (where dist/ is).
    const docs = parseAllDocuments(read('kubernetes/sweep.yaml')).map((d) => d.toJS() as K8sJob);
    const containers = docs
      .filter((d) => d.kind === 'Job')
      .flatMap((d) => [
        ...(d.spec.template.spec.initContainers ?? []),
        ...d.spec.template.spec.containers,
      ]);
    expect(containers.length).to.equal(3);
    for (const c of containers) {
      expect(c.workingDir ?? '/dslab').to.equal('/dslab');
      expect(c.image).to.equal(containers[0].image);
    }
  });

  it('Kubernetes: every completion index of the Indexed Job grades its shard; the merge Job gives one machine’s runs', () => {
    const text = read('kubernetes/sweep.yaml');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as K8sJob);
    const job = docs.find((d) => d.spec?.completionMode === 'Indexed')!;
    const env = envOf(job.spec.template.spec.containers[0]);
    expect(env.DSLAB_SHARDS, 'DSLAB_SHARDS is completions').to.equal(String(job.spec.completions));
    expect(job.spec.completions).to.be.at.least(2);
    const merge = docs.find((d) => d.kind === 'Job' && d !== job)!;
    const wait = merge.spec.template.spec.initContainers![0];
    expect(envOf(wait).DSLAB_SHARDS, 'the merge waits for completions files').to.equal(
      String(job.spec.completions),
    );
    const s = kubernetesSweep(text, sub('k8s'));
    expect(s.shards).to.have.length(job.spec.completions!);
    expectSameAsOneMachine(runSweep(s));
  });

  it('Slurm: submit.sh submits the array and the merge after it (afterok); every array task grades its shard; the merge gives one machine’s runs', () => {
    const d = sub('slurm');
    // A stand-in for sbatch: records its arguments, answers --parsable as Slurm does (id;cluster).
    const bin = path.join(d, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(d, 'sbatch.log');
    fs.writeFileSync(
      path.join(bin, 'sbatch'),
      `#!/bin/sh\necho "$*" >> '${log}'\necho "$((4241 + $(wc -l < '${log}')));cluster0"\n`,
      { mode: 0o755 },
    );
    const r = run(['bash', path.join(DEPLOY, 'slurm', 'submit.sh')], d, {
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(r.status, r.output).to.equal(0);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).to.deep.equal([
      '--parsable deploy/slurm/sweep.sbatch',
      '--parsable --dependency=afterok:4242 deploy/slurm/merge.sbatch',
    ]);
    expect(r.output).to.include('sweep: job 4242; merge: job 4243');
    const s = slurmSweep(read('slurm/sweep.sbatch'), read('slurm/merge.sbatch'), d);
    expectSameAsOneMachine(runSweep(s));
  });

  it('GitHub Actions: every shard of the matrix grades its shard and uploads it; the merge job gives one machine’s runs', () => {
    const text = read('github-actions/sweep.yml');
    const wf = parseYaml(text) as Workflow;
    const shards = wf.jobs.grade.strategy!.matrix.shard;
    expect(String(wf.env!.DSLAB_SHARDS), 'DSLAB_SHARDS is the matrix size').to.equal(
      String(shards.length),
    );
    expect(shards).to.deep.equal(shards.map((_, i) => i + 1));
    for (const job of Object.values(wf.jobs)) {
      const node = job.steps.find((st) => st.uses?.startsWith('actions/setup-node'))!;
      expect(String(node.with!['node-version'])).to.equal(NODE_MAJOR);
      expect(job.steps.some((st) => st.run === 'npm ci')).to.equal(true);
    }
    expect(Object.keys(wf.on)).to.deep.equal(['workflow_dispatch']);
    expectSameAsOneMachine(runSweep(githubSweep(text, sub('github'))));
  });

  it('a file whose command drifts fails: shard arithmetic, the shard count, the task count', () => {
    const k8s = read('kubernetes/sweep.yaml');
    const slurm = read('slurm/sweep.sbatch');
    const merge = read('slurm/merge.sbatch');
    const gh = read('github-actions/sweep.yml');
    const drifts: [string, () => GradeFile][] = [
      [
        'Kubernetes: the 0-based index used as the shard number',
        () =>
          runSweep(
            kubernetesSweep(
              k8s.replace(/\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/g, '$JOB_COMPLETION_INDEX'),
              sub('drift-k8s-index'),
            ),
          ),
      ],
      [
        'Kubernetes: DSLAB_SHARDS larger than completions (runs left ungraded)',
        () =>
          runSweep(
            kubernetesSweep(
              k8s.replace(
                /name: DSLAB_SHARDS\n(\s+)value: '8'/,
                "name: DSLAB_SHARDS\n$1value: '16'",
              ),
              sub('drift-k8s-count'),
            ),
          ),
      ],
      [
        'Slurm: a fixed shard count instead of the array’s task count',
        () =>
          runSweep(
            slurmSweep(slurm.replace(/\$SLURM_ARRAY_TASK_COUNT/g, '4'), merge, sub('drift-slurm')),
          ),
      ],
      [
        'GitHub Actions: a matrix smaller than DSLAB_SHARDS',
        () =>
          runSweep(
            githubSweep(
              gh.replace('shard: [1, 2, 3, 4, 5, 6, 7, 8]', 'shard: [1, 2, 3, 4]'),
              sub('drift-github'),
            ),
          ),
      ],
    ];
    for (const [what, sweep] of drifts) {
      let caught: unknown;
      try {
        expectSameAsOneMachine(sweep());
      } catch (error) {
        caught = error;
      }
      expect(caught, `${what}: not caught`).to.be.instanceOf(Error);
    }
  });
});
