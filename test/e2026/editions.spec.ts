// Editions: 2023 stays the default registry; 2026 is chosen by --edition, by dslab.json's
// "edition" or by DSLAB_EDITION, and its part names resolve in its own registry only.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadRegistry } from '../../labs';
import { chooseEdition } from '../../grader/edition';
import { layersFor, parseLabs, selectTests, UsageError } from '../../grader/select';
import { BEGIN_2026, END_2026, partsTable, withTable } from '../../tools/parts-table';

describe('editions', () => {
  it('2023 is the default registry; 2026 has its own parts', () => {
    expect(loadRegistry('', '2023').parts[0].id).to.equal('2A');
    expect(loadRegistry('', '2026').parts.map((p) => p.id)).to.deep.equal([
      '2KV',
      '2LOCK',
      '3A',
      '3B',
      '3C',
      '3D',
      '4A',
      '4B',
      '4C',
      '5A',
      '5B',
      '5C',
    ]);
  });

  it("a part name means the chosen edition's part", () => {
    const reg = loadRegistry('', '2026');
    expect(parseLabs(['lab2'], reg)).to.deep.equal(['2KV', '2LOCK']);
    expect(parseLabs(['lab2lock'], reg)).to.deep.equal(['2LOCK']);
    expect(parseLabs(['lab2'], loadRegistry('', '2023'))).to.deep.equal(['2A', '2B', '2C', '2D']);
    expect(parseLabs(['lab3'], reg)).to.deep.equal(['3A', '3B', '3C', '3D']);
    expect(() => parseLabs(['lab2a'], reg)).to.throw(UsageError, /unknown lab "lab2a"/);
    const sel = selectTests(['2LOCK'], undefined, true, reg);
    expect(layersFor(sel.tests, reg)).to.deep.equal(['kvsrv', 'lock']);
  });

  it('--edition is taken off the command line, else the environment, else dslab.json', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-edition-'));
    try {
      const argv = ['node', 'cli', '--edition', '2026', 'lab2'];
      const env: NodeJS.ProcessEnv = {};
      expect(chooseEdition(argv, env, root)).to.equal('2026');
      expect(argv).to.deep.equal(['node', 'cli', 'lab2']);
      expect(env.DSLAB_EDITION).to.equal('2026');
      expect(chooseEdition(['node', 'cli', '--edition=2023'], env, root)).to.equal('2023');
      expect(chooseEdition(['node', 'cli'], { DSLAB_EDITION: '2026' }, root)).to.equal('2026');
      expect(chooseEdition(['node', 'cli'], {}, root)).to.equal('2023');
      fs.writeFileSync(path.join(root, 'dslab.json'), '{ "edition": "2026" }');
      expect(chooseEdition(['node', 'cli'], {}, root)).to.equal('2026');
      expect(chooseEdition(['node', 'cli'], { DSLAB_IMPL: '' }, root)).to.equal('2023');
      expect(() => chooseEdition(['node', 'cli', '--edition', '2024'], {}, root)).to.throw(
        UsageError,
        /unknown edition "2024" \(--edition\): choose 2023 or 2026/,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("a part word's prefix names the edition; replay and shrink of another edition's test take it", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-edition-'));
    try {
      const argv = ['node', 'cli', '2026:lab2', '-n', '3'];
      expect(chooseEdition(argv, {}, root)).to.equal('2026');
      expect(argv).to.deep.equal(['node', 'cli', 'lab2', '-n', '3']);
      expect(() => chooseEdition(['node', 'cli', '2026:lab2', '2023:lab2a'], {}, root)).to.throw(
        UsageError,
        /two editions named \(2026 and 2023/,
      );
      expect(chooseEdition(['node', 'cli', 'replay', 'TestReliablePut'], {}, root)).to.equal(
        '2026',
      );
      expect(chooseEdition(['node', 'cli', 'shrink', 'TestBasic3A'], {}, root)).to.equal('2023');
      const env: NodeJS.ProcessEnv = { DSLAB_EDITION: '2026' };
      expect(chooseEdition(['node', 'cli', 'replay', 'TestBasic3A'], env, root)).to.equal('2023');
      expect(env.DSLAB_EDITION).to.equal('2023');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("README.md's 2026 parts table is the 2026 registry's (npm run parts-table rewrites it)", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const table = partsTable(loadRegistry('', '2026'));
    expect(withTable(readme, table, BEGIN_2026, END_2026)).to.equal(readme);
  });

  it("new-lab --edition 2026 copies that edition's layers of the kit and says how to grade them", () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-kit-')), 'mylab');
    try {
      const out = execFileSync(
        process.execPath,
        [path.join(root, 'dist', 'tools', 'new-lab.js'), dir, '--edition', '2026'],
        { cwd: root, encoding: 'utf8', env: { ...process.env, DSLAB_EDITION: '' } },
      );
      expect(fs.readdirSync(dir).sort()).to.deep.equal([
        'kvraft1',
        'kvsrv',
        'lock',
        'raft',
        'rsm',
        'shardkv1',
        'tsconfig.json',
      ]);
      expect(out).to.include('Created');
      expect(out).to.include('(kvraft1/, kvsrv/, lock/, raft/, rsm/, shardkv1/)');
      expect(out).to.include(`npm run grade -- --edition 2026 lab2kv --impl`);
      expect(out).to.include(
        '2KV (kvsrv/), 2LOCK (lock/), 3A 3B 3C 3D (raft/), 4A (rsm/), 4B (kvraft1/), 4C (rsm/, kvraft1/), 5A 5B 5C (shardkv1/)',
      );
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
