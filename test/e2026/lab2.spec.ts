// The 2026 edition's lab 2: every test passes once on the reference (seed 1), each buggy variant
// in impls/kvsrv-* and impls/lock-* fails a named test on a named seed with the check that catches
// it, and the versioned model tells legal histories from illegal ones.
import { expect } from 'chai';
import * as path from 'node:path';
import { loadRegistry, testsOf } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { checkOperations } from '../../checker/check';
import {
  versionedKvModel,
  type VersionedInput,
  type VersionedOutput,
} from '../../checker/models/kv-versioned';
import type { Operation } from '../../checker/model';
import { describeVariants, type VariantCase } from '../support/variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TESTS = loadRegistry('', '2026')
  .parts.filter((p) => p.lab === '2')
  .flatMap(testsOf);

describe('2026 lab 2 on the reference (seed 1)', function () {
  this.timeout(60_000);
  for (const s of TESTS)
    it(`${s.part} ${s.name}`, async () => {
      const r = await runScenario(s, { seed: 1, impl: new Implementation(path.join(ROOT, 'src')) });
      expect(r.passed, r.error).to.equal(true);
    });
});

const CASES: VariantCase[] = [
  {
    variant: 'kvsrv-ignores-version',
    test: 'TestReliablePut',
    seed: 1,
    expect: 'put-version',
    message: /expected Put to fail with ErrVersion/,
  },
  {
    variant: 'kvsrv-no-maybe',
    test: 'TestUnreliableNet',
    seed: 1,
    expect: 'put-maybe',
    message: /never returned ErrMaybe/,
  },
  {
    variant: 'kvsrv-client-table',
    test: 'TestMemPutManyClientsReliable',
    seed: 1,
    expect: 'server-memory',
    message: /server using too much memory/,
  },
  {
    variant: 'lock-acquire-no-check',
    test: 'TestManyClientsReliable',
    seed: 1,
    expect: 'mutual-exclusion',
  },
  {
    variant: 'lock-release-any',
    test: 'TestManyClientsUnreliable',
    seed: 3,
    expect: 'mutual-exclusion',
  },
  {
    variant: 'lock-maybe-is-held',
    test: 'TestManyClientsUnreliable',
    seed: 1,
    expect: 'mutual-exclusion',
    message: /acquired lock \w+, which client \d+ holds/,
  },
  {
    variant: 'kvsrv-maybe-by-value',
    test: 'TestPutConcurrentUnreliable',
    seed: 1,
    expect: 'put-maybe',
    message: /Wrong number of puts: server 79 clnts \{69 0\}/,
  },
];

describeVariants('2026 lab 2 variants are caught', CASES, TESTS);

describe('2026 lab 2: what only our test catches', function () {
  this.timeout(60_000);
  const variant = new Implementation(path.join(ROOT, 'impls', 'kvsrv-maybe-by-value'));
  for (const s of TESTS.filter((s) => s.name !== 'TestPutConcurrentUnreliable'))
    it(`kvsrv-maybe-by-value (a retried put reported failed) passes the course's ${s.name} (seed 1)`, async () => {
      const r = await runScenario(s, { seed: 1, impl: variant });
      expect(r.passed, r.error).to.equal(true);
    });
});

describe("2026 lab 2's starter kit", () => {
  const kit = new Implementation(path.join(ROOT, 'starter'));
  for (const [test, message] of [
    ['TestReliablePut', /^kvsrv\/client\.ts: put\(\) is not implemented yet \(part 2KV\)/],
    ['TestReliableBasic', /^lock\/lock\.ts: acquire\(\) is not implemented yet \(part 2LOCK\)/],
  ] as const)
    it(`fails ${test} at once, naming the file, the method and the part`, async () => {
      const r = await runScenario(
        TESTS.find((s) => s.name === test)!,
        { seed: 1, impl: kit },
      );
      expect(r.check).to.equal('implementation-threw');
      expect(r.error).to.match(message);
    });
});

describe('the versioned key/value model', () => {
  let t = 0;
  const op = (
    clientId: number,
    input: VersionedInput,
    output: VersionedOutput,
    span = 1,
  ): Operation<VersionedInput, VersionedOutput> => ({
    clientId,
    input,
    output,
    call: (t += 2),
    return: t + span,
  });
  const verdict = (ops: Operation<VersionedInput, VersionedOutput>[]) =>
    checkOperations(versionedKvModel, ops, { timeoutMs: 10_000 }).verdict;

  it('accepts a put at the version, a refused put, and a get of the value and version', () => {
    t = 0;
    expect(
      verdict([
        op(0, { op: 'put', key: 'k', value: 'a', version: 0 }, { err: 'OK' }),
        op(0, { op: 'put', key: 'k', value: 'b', version: 0 }, { err: 'ErrVersion' }),
        op(0, { op: 'put', key: 'y', value: 'b', version: 1 }, { err: 'ErrNoKey' }),
        op(0, { op: 'get', key: 'k' }, { err: 'OK', value: 'a', version: 1 }),
        op(0, { op: 'get', key: 'y' }, { err: 'ErrNoKey', value: '', version: 0 }),
      ]),
    ).to.equal('ok');
  });

  it('refuses a put that took effect at the wrong version, and a wrong version read', () => {
    t = 0;
    expect(
      verdict([
        op(0, { op: 'put', key: 'k', value: 'a', version: 0 }, { err: 'OK' }),
        op(0, { op: 'put', key: 'k', value: 'b', version: 0 }, { err: 'OK' }),
      ]),
    ).to.equal('illegal');
    t = 0;
    expect(
      verdict([
        op(0, { op: 'put', key: 'k', value: 'a', version: 0 }, { err: 'OK' }),
        op(0, { op: 'get', key: 'k' }, { err: 'OK', value: 'a', version: 2 }),
      ]),
    ).to.equal('illegal');
  });

  it('lets an ErrMaybe put take effect or not, but not ErrVersion for the only writer', () => {
    t = 0;
    expect(
      verdict([
        op(0, { op: 'put', key: 'k', value: 'a', version: 0 }, { err: 'ErrMaybe' }),
        op(0, { op: 'get', key: 'k' }, { err: 'OK', value: 'a', version: 1 }),
      ]),
    ).to.equal('ok');
    t = 0;
    expect(
      verdict([
        op(0, { op: 'put', key: 'k', value: 'a', version: 0 }, { err: 'ErrVersion' }),
        op(0, { op: 'get', key: 'k' }, { err: 'OK', value: 'a', version: 1 }),
      ]),
    ).to.equal('illegal');
  });
});
