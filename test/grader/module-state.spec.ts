// Warm grade workers (grader/module-state.ts, grader/worker.ts): an implementation's modules stay
// loaded between runs only when the static check finds no module-level state, and a run in a
// worker is still the run `grade replay` makes in a fresh process, warm or not.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyseModule, checkModuleState } from '../../grader/module-state';
import { Pool } from '../../grader/pool';
import { DEFAULT_IMPL_DIR, Implementation, resolveImplDir } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { scenarios } from './fixtures/scenarios';
import { FIXTURES, fingerprintOf, fingerprints, grade, readResults, ROOT } from './helpers';

const DATA = path.join(ROOT, 'test', 'data', 'module-state');
const COUNTER = 'test/grader/impls/counter';
const GLOBAL_LEAK = 'test/grader/impls/global-leak';
const TEST = 'TestGraderElection2A';
/** The student edition has no reference implementation (src/): the specs that grade it are skipped there. */
const HAS_REFERENCE = fs.existsSync(path.join(DEFAULT_IMPL_DIR, 'raft', 'index.js'));

/** The reasons the check gives for a module's source, as "what: why" lines. */
function findings(code: string): string[] {
  return analyseModule(code).map((f) => `${f.what}: ${f.why}`);
}

const CJS = '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n';

describe('grader: module-level state (warm workers)', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-warm-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('the static check', () => {
    it('finds no module-level state in the compiled reference', function () {
      if (!HAS_REFERENCE) this.skip();
      const verdict = checkModuleState(DEFAULT_IMPL_DIR);
      expect(verdict.findings).to.deep.equal([]);
      expect(verdict.stateless).to.equal(true);
      expect(verdict.modules).to.be.greaterThan(20);
    });

    it('finds none in the buggy variants under impls/ either (their own modules; src/ is checked above)', function () {
      const dir = path.join(ROOT, 'dist', 'impls');
      if (!fs.existsSync(dir)) this.skip();
      const variants = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
      expect(variants.length).to.be.greaterThan(20);
      const stateful = variants.flatMap((v) =>
        checkModuleState(path.join(dir, v.name)).findings.map((f) => `${f.where} \`${f.what}\``),
      );
      expect(stateful).to.deep.equal([]);
    });

    it('rejects each stateful form in a compiled fixture, naming file, line and declaration', () => {
      const cases: [string, RegExp][] = [
        ['top-level-let', /top-level-let\/raft\/index\.js:4 `let nextId` is module-level state/],
        ['module-map', /module-map\/raft\/index\.js:4 `const byServer` holds a new Map/],
        [
          'static-field',
          /static-field\/raft\/index\.js:5 `static made` is a field of the class Peer itself/,
        ],
        [
          'function-property',
          /function-property\/raft\/index\.js:5 `makeRaft\.calls = \.\.\.` writes to the module-level makeRaft/,
        ],
      ];
      for (const [dir, expected] of cases) {
        const verdict = checkModuleState(path.join(DATA, dir));
        expect(verdict.stateless, dir).to.equal(false);
        const lines = verdict.findings.map((f) => `${f.where} \`${f.what}\` ${f.why}`);
        expect(
          lines.some((l) => expected.test(l)),
          `${dir}: ${lines.join(' | ')}`,
        ).to.equal(true);
      }
      // The same forms tsc emits, in one module, pass when written without state.
      expect(checkModuleState(path.join(DATA, 'stateless')).findings).to.deep.equal([]);
    });

    it('names the TypeScript line through the source map', () => {
      const verdict = checkModuleState(resolveImplDir(path.join(ROOT, COUNTER)));
      expect(verdict.findings[0]).to.include({
        where: 'test/grader/impls/counter/raft/index.ts:8',
        what: 'let clusters',
      });
    });

    it('rejects state declared, assigned or written anywhere in a module', () => {
      const stateful: [string, RegExp][] = [
        ['var cache = {};', /var cache: is module-level state/],
        ['const seen = new Set();', /const seen: holds a new Set/],
        ['const table = {};', /holds an object/],
        ['const list = [];', /holds an array/],
        [
          'const frozenShallow = Object.freeze({ inner: {} });',
          /const frozenShallow: holds a frozen value with something mutable inside/,
        ],
        ['const sticky = /a/g;', /lastIndex changes/],
        [
          'const now = Date.now();',
          /const now: holds what Date\.now\(\.\.\.\) returned when the module loaded/,
        ],
        ['setup();\nfunction setup() {}', /setup\(\.\.\.\): runs when the module loads/],
        [
          'exports.made = makeThing();\nfunction makeThing() { return () => 1; }',
          /export made: holds what makeThing\(\.\.\.\) returned/,
        ],
        ['class A { static { A.x = 1; } }', /class A static block/],
        ['function f() {}\nf.count = 0;', /f\.count = \.\.\.: writes to the module-level f/],
        ['function f() {}\nfunction g() { f = null; }', /f = \.\.\.: assigns the module-level f/],
        [
          'class A {}\nfunction g() { A.prototype.extra = 1; }',
          /A\.prototype\.extra = \.\.\.: writes to a class or a prototype/,
        ],
        [
          'class A { static bump() { this.n = 1; } }',
          /this\.n = \.\.\.: writes to the module or a class itself/,
        ],
        [
          'function g() { exports.late = 1; }',
          /exports\.late = \.\.\.: writes to the module-level exports/,
        ],
        [
          'const m = require("./m");\nfunction g() { m.x++; }',
          /m\.x\+\+: changes the module-level m/,
        ],
        [
          'const m = require("./m");\nfunction g() { Object.assign(m, {}); }',
          /Object\.assign\(m, \.\.\.\)/,
        ],
        [
          'class A { bump() { this.constructor.n = 1; } }',
          /this\.constructor\.n = \.\.\.: writes to a class or a prototype/,
        ],
        [
          'function g(x) { x.prototype.extra = 1; }',
          /x\.prototype\.extra = \.\.\.: writes to a class or a prototype/,
        ],
        [
          'function g(x) { Object.getPrototypeOf(x).n++; }',
          /Object\.getPrototypeOf\(\.\.\.\)\.n\+\+: changes a class or a prototype/,
        ],
        [
          'function g() { globalThis.x = 1; }',
          /globalThis\.x = \.\.\.: writes to the module-level globalThis/,
        ],
        ['function g() { delete globalThis.x; }', /delete globalThis\.x/],
        ['if (1) {}', /IfStatement: runs when the module loads/],
        ['const { a } = {};', /const \{\.\.\.\}: is module-level state/],
      ];
      for (const [code, expected] of stateful) {
        const lines = findings(CJS + code);
        expect(
          lines.some((l) => expected.test(l)),
          `${code}\n  -> ${lines.join(' | ') || '(nothing found)'}`,
        ).to.equal(true);
      }
    });

    it('accepts what cannot change: constants, frozen literals, functions, classes, required modules', () => {
      const stateless = [
        'const N = 3;\nconst M = N * 2 + 1;\nconst S = `x`;\nconst NEG = -1;\nconst R = /a+/i;',
        'const F = Object.freeze({ a: 1, b: Object.freeze([1, "x", null]), f: () => 1 });',
        'const m = require("./m");\nconst h = m.helper;\nconst T = 4 * m.HEARTBEAT_MS;\nconst { a, b } = require("./n");',
        'exports.A = exports.B = void 0;\nexports.A = 5;\nexports.B = exports.A;\nexports.f = f;\nfunction f() { let local = 0; local++; return local; }',
        'class C { x = 1; static make() { return new C(); } bump() { this.x++; } }',
        'var m_1 = require("./m");\nObject.defineProperty(exports, "g", { enumerable: true, get: function () { return m_1.g; } });',
        'function g() { const local = {}; local.x = 1; const f = () => { let y = 0; y++; }; f(); }',
      ];
      for (const code of stateless) expect(findings(CJS + code), code).to.deep.equal([]);
    });

    it('decides again when a module changes', () => {
      const dir = path.join(tmp, 'changing');
      fs.mkdirSync(path.join(dir, 'raft'), { recursive: true });
      const file = path.join(dir, 'raft', 'index.js');
      fs.writeFileSync(file, `${CJS}exports.makeRaft = makeRaft;\nfunction makeRaft() {}\n`);
      expect(checkModuleState(dir).stateless).to.equal(true);
      fs.writeFileSync(
        file,
        `${CJS}exports.makeRaft = makeRaft;\nlet made = 0;\nfunction makeRaft() { made++; }\n`,
      );
      expect(checkModuleState(dir).stateless).to.equal(false);
    });
  });

  describe('in a worker', () => {
    /** Fingerprints of fresh-process replays of TEST on `seeds` with `impl`. */
    async function replays(
      impl: string,
      seeds: number[],
    ): Promise<Map<string, string | undefined>> {
      const out = new Map<string, string | undefined>();
      for (const seed of seeds) {
        const r = await grade(['replay', TEST, '--seed', String(seed), '--impl', impl]);
        expect(r.code, r.stderr).to.equal(0);
        out.set(`${TEST}/${seed}`, fingerprintOf(r.stdout));
      }
      return out;
    }

    /** Fingerprints of TEST on `seeds` in one worker process, jobs marked warm or not. */
    async function inOneWorker(
      impl: string,
      seeds: number[],
      warm: boolean,
    ): Promise<Map<string, string | undefined>> {
      const before = process.env.GRADE_EXTRA_SCENARIOS;
      process.env.GRADE_EXTRA_SCENARIOS = FIXTURES;
      const pool = new Pool({ size: 1, timeoutMs: 60_000, silenceMs: 10_000, memoryMb: 512 });
      try {
        const out = new Map<string, string | undefined>();
        for (const [i, seed] of seeds.entries()) {
          const outcome = await pool.exec({
            id: i + 1,
            test: TEST,
            seed,
            implDir: resolveImplDir(path.join(ROOT, impl)),
            ...(warm ? { warm: true } : {}),
          });
          if (outcome.kind !== 'result')
            throw new Error(`run of seed ${seed}: ${JSON.stringify(outcome)}`);
          out.set(`${TEST}/${seed}`, outcome.result.fingerprint);
        }
        expect(pool.size).to.equal(1);
        return out;
      } finally {
        pool.close();
        if (before === undefined) delete process.env.GRADE_EXTRA_SCENARIOS;
        else process.env.GRADE_EXTRA_SCENARIOS = before;
      }
    }

    it('reloads an implementation with module-level state for every run: its runs match fresh replays', async () => {
      const json = path.join(tmp, 'counter.json');
      const r = await grade([
        '2a',
        '--run',
        TEST,
        '-n',
        '3',
        '-p',
        '1',
        '--seed',
        '1',
        '--impl',
        COUNTER,
        '--json',
        json,
      ]);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.include(
        'modules reloaded for every run (slower): test/grader/impls/counter/raft/index.ts:8 `let clusters` is module-level state',
      );
      const expected = await replays(COUNTER, [1, 2, 3]);
      expect(fingerprints(readResults(json))).to.deep.equal(expected);
      // The test can fail: the same runs with the modules kept loaded (as if the check had said
      // "stateless") log cluster 2, 3 and differ from the replays from the second run on.
      const forced = await inOneWorker(COUNTER, [1, 2, 3], true);
      expect(forced.get(`${TEST}/1`)).to.equal(expected.get(`${TEST}/1`));
      expect(forced.get(`${TEST}/2`)).not.to.equal(expected.get(`${TEST}/2`));
      expect(forced.get(`${TEST}/3`)).not.to.equal(expected.get(`${TEST}/3`));
      expect(await inOneWorker(COUNTER, [1, 2, 3], false)).to.deep.equal(expected);
    });

    it('keeps the reference loaded between runs, with the fingerprints of fresh modules', async function () {
      if (!HAS_REFERENCE) this.skip();
      const run = 'TestInitialElection2A|TestBasicAgree2B|TestBasic3A';
      const warm = path.join(tmp, 'warm.json');
      const fresh = path.join(tmp, 'fresh.json');
      const args = ['2a', '2b', '3a', '--run', run, '-n', '3', '-p', '1', '--seed', '7', '-q'];
      const w = await grade([...args, '--json', warm]);
      expect(w.code, w.stderr + w.stdout).to.equal(0);
      const f = await grade([...args, '--fresh-modules', '--json', fresh]);
      expect(f.code, f.stderr + f.stdout).to.equal(0);
      expect(readResults(warm).modules).to.match(/^modules kept loaded between runs in a worker/);
      expect(readResults(fresh).modules).to.equal(
        'modules reloaded for every run (--fresh-modules)',
      );
      expect(f.stdout).to.include('modules reloaded for every run (--fresh-modules)');
      const a = fingerprints(readResults(warm));
      expect(a.size).to.equal(9);
      expect(a).to.deep.equal(fingerprints(readResults(fresh)));
    });

    it('removes what a run adds to globalThis, stops keeping modules loaded, and says so', async () => {
      // The fixture is sensitive to a global left behind: two runs of one seed in one process, with
      // nothing removed between them, differ.
      const scenario = scenarios.find((s) => s.name === TEST)!;
      const impl = new Implementation(resolveImplDir(path.join(ROOT, GLOBAL_LEAK)));
      try {
        const first = await runScenario(scenario, { seed: 4, impl });
        const second = await runScenario(scenario, { seed: 4, impl });
        expect(second.fingerprint).not.to.equal(first.fingerprint);
      } finally {
        delete (globalThis as { dslabClusters?: number }).dslabClusters;
      }
      const json = path.join(tmp, 'leak.json');
      const r = await grade([
        '2a',
        '--run',
        TEST,
        '-n',
        '3',
        '-p',
        '1',
        '--seed',
        '1',
        '--impl',
        GLOBAL_LEAK,
        '--json',
        json,
      ]);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      const file = readResults(json);
      expect(file.modules).to.match(/^modules kept loaded/);
      expect(file.globals).to.have.length(1);
      expect(file.globals![0]).to.match(
        /3 runs \(TestGraderElection2A seed 1, .*\) added globalThis\.dslabClusters, removed after each run .*loaded modules afresh for every later run/,
      );
      expect(r.stdout).to.include('globals left by the implementation: ');
      expect(fingerprints(file)).to.deep.equal(await replays(GLOBAL_LEAK, [1, 2, 3]));
    });
  });
});
