// What a learner reads: check messages that name their sides (which value the code returned,
// which was expected), the kvraft starter on waiters when leadership is lost, and 4A's starter
// stating the rebalance rule its checker enforces.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configDifference, minimalMoves } from '../../labs/lab4/shardctrler-check';
import type { Config } from '../../harness/contracts/shardctrler';
import { ROOT } from '../grader/helpers';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Every .ts file under a folder of the project. */
function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? tsFiles(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(dir, e.name)]
          : [],
    );
}

describe('learner: messages and starter texts', () => {
  const config = (num: number, shards: number[], groups: Config['groups']): Config => ({
    num,
    shards,
    groups,
  });

  it('a configuration mismatch names what was returned and what was expected', () => {
    const a = config(1, [1, 1, 2], { 1: ['a'], 2: ['b'] });
    expect(configDifference(a, config(2, [1, 1, 2], a.groups), 'query(1) returned')).to.equal(
      'query(1) returned configuration 1; expected configuration 2',
    );
    expect(configDifference(a, config(1, [2, 2, 1], a.groups), 'query(1) returned')).to.equal(
      'query(1) returned shards [1,1,2]; expected [2,2,1] (configuration 1)',
    );
    expect(
      configDifference(a, config(1, [1, 1, 2], { 1: ['a'] }), 'query(-1) returned', 'the cluster'),
    ).to.equal('query(-1) returned groups 1, 2; the cluster 1 (configuration 1)');
    expect(
      configDifference(a, config(1, [1, 1, 2], { 1: ['a'], 2: ['c'] }), 'x returned'),
    ).to.equal('x returned group 2 as ["b"]; expected ["c"] (configuration 1)');
    expect(configDifference(a, a, 'query(1) returned')).to.equal(undefined);
  });

  it("no check message in labs/ leaves its sides unnamed ('A vs B')", () => {
    const unnamed: string[] = [];
    for (const file of tsFiles('labs'))
      read(file)
        .split('\n')
        .forEach((line, i) => {
          if (/`[^`]*\$\{[^`]*\} vs \$\{[^`]*`/.test(line)) unnamed.push(`${file}:${i + 1}`);
        });
    expect(unnamed).to.deep.equal([]);
  });

  it('the kvraft starter says what happens to a waiting handler when leadership is lost', () => {
    const server = read('starter/kvraft/server.ts');
    expect(server).to.match(/loses leadership[\s\S]*answer ErrWrongLeader/);
    expect(server).to.include('signal.wait(timeoutMs)');
    // The API it points at documents the timeout.
    expect(read('harness/api.ts')).to.match(/wait\(timeoutMs\?: number\): Promise<boolean>/);
  });

  it("4A's starter states the rebalance rule the checker enforces", () => {
    // The header comment as one paragraph.
    const server = read('starter/shardctrler/server.ts').replace(/\n\/\/ ?/g, ' ');
    expect(server).to.include('labs/lab4/shardctrler-check.ts');
    expect(server).to.include('floor(NShards / G) shards or one more');
    expect(server).to.include(
      'the larger targets go to the groups that held the most shards before',
    );
    // The rule as stated: 10 shards over 3 groups that held 5, 3 and 2: targets 4, 3, 3 (the
    // larger to the group that held the most), so one shard moves; the checker agrees.
    expect(minimalMoves([1, 1, 1, 1, 1, 2, 2, 2, 3, 3], [1, 2, 3])).to.equal(1);
  });
});
