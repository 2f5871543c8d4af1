// Verdicts on every file of porcupine's test data (test/data/porcupine): the 102 etcd
// Jepsen logs with the cas-register model, and the kv logs with and without partitioning by key.
// The unpartitioned 50-client logs are left out: searched as a whole they exhaust the memo
// cache's memory budget (unknown) after a minute or so, as they take the Go checker too long
// to be among its tests; they are checked partitioned here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { casRegisterModel, checkOperations, kvModel, parseHistory } from '../../checker';
import { etcdFiles, FIXTURES, kvFiles, requireFixtures } from './helpers';

describe('linearizability: porcupine fixtures', function () {
  this.timeout(60_000);

  it('finds the fixtures in the repository', () => {
    requireFixtures();
  });

  describe('etcd Jepsen logs (cas-register)', () => {
    it('has 102 logs with known verdicts (etcd_095 is empty and skipped)', () => {
      requireFixtures();
      expect(etcdFiles()).to.have.length(102);
      expect(
        fs.readFileSync(path.join(FIXTURES, 'jepsen', 'etcd_095.log'), 'utf8').trim(),
      ).to.equal('');
    });

    it('gives every log its known verdict', () => {
      requireFixtures();
      const wrong: string[] = [];
      for (const { file, expected } of etcdFiles()) {
        const history = parseHistory(fs.readFileSync(file, 'utf8'));
        expect(history.format).to.equal('jepsen');
        const result = checkOperations(casRegisterModel, history.operations);
        if (result.verdict !== expected)
          wrong.push(`${path.basename(file)}: ${result.verdict}, expected ${expected}`);
      }
      expect(wrong).to.deep.equal([]);
    });
  });

  describe('key/value logs (kv)', () => {
    it('has the six kv logs', () => {
      requireFixtures();
      expect(kvFiles().map((f) => path.basename(f.file))).to.deep.equal([
        'c01-bad.txt',
        'c01-ok.txt',
        'c10-bad.txt',
        'c10-ok.txt',
        'c50-bad.txt',
        'c50-ok.txt',
      ]);
    });

    for (const partition of [true, false]) {
      describe(partition ? 'partitioned by key' : 'unpartitioned', () => {
        for (const name of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad']) {
          if (!partition && name.startsWith('c50')) continue;
          it(`${name}: ${name.endsWith('ok') ? 'ok' : 'illegal'}`, () => {
            requireFixtures();
            const history = parseHistory(
              fs.readFileSync(path.join(FIXTURES, 'kv', `${name}.txt`), 'utf8'),
            );
            expect(history.format).to.equal('kv-edn');
            const result = checkOperations(kvModel, history.operations, { partition });
            expect(result.verdict).to.equal(name.endsWith('ok') ? 'ok' : 'illegal');
            if (partition)
              expect(result.partitions.length).to.equal(
                new Set(history.operations.map((op) => (op.input as { key: string }).key)).size,
              );
            else expect(result.partitions).to.have.length(1);
            if (partition && name === 'c50-bad') {
              // Interleaved: the cheap illegal key stops the searches of keys that would take minutes.
              expect(
                result.partitions.filter((p) => p.reason === 'cancelled'),
              ).to.have.length.greaterThan(0);
            }
          });
        }
      });
    }
  });
});
