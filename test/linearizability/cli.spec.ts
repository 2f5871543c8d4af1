// The check-history CLI, run as a separate process: output lines, exit statuses, format
// detection, options and messages for malformed input.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { formatHistoryJsonl } from '../../checker';
import { unpackPayload } from '../../checker/report';
import { FIXTURES, kv, REPO_ROOT, requireFixtures } from './helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'checker', 'cli.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('linearizability: check-history CLI', function () {
  this.timeout(60_000);
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-history-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ok: prints "FILE: ok (N ms)" and exits 0 (Jepsen log, cas-register implied)', () => {
    requireFixtures();
    const log = path.join(FIXTURES, 'jepsen', 'etcd_002.log');
    const r = run(log);
    expect(r.stdout).to.match(new RegExp(`^${escape(log)}: ok \\(\\d+ ms\\)\\n$`));
    expect(r.status).to.equal(0);
  });

  it('illegal: exits 1 (EDN kv log, kv implied), partitioned and not', () => {
    requireFixtures();
    const log = path.join(FIXTURES, 'kv', 'c01-bad.txt');
    for (const extra of [[], ['--no-partition']]) {
      const r = run(...extra, log);
      expect(r.stdout).to.match(new RegExp(`^${escape(log)}: illegal \\(\\d+ ms\\)\\n$`));
      expect(r.status).to.equal(1);
    }
  });

  it('reads our JSON Lines format, and --model overrides its header', () => {
    const ops = [
      kv(0, { op: 'put', key: 'x', value: '1' }, 0, 10),
      kv(1, { op: 'get', key: 'x' }, 20, 30, '1'),
    ];
    const ok = file('ok.jsonl', formatHistoryJsonl('kv', ops));
    expect(run(ok).status).to.equal(0);
    const stale = file(
      'stale.jsonl',
      formatHistoryJsonl('kv', [ops[0], kv(1, { op: 'get', key: 'x' }, 20, 30, '')]),
    );
    expect(run(stale).status).to.equal(1);
    const r = run('--model', 'cas-register', ok);
    expect(r.status).to.equal(3);
    expect(r.stderr).to.contain(
      `${ok}:2: bad input: "input": a cas-register "op" must be read, write or cas`,
    );
  });

  it('unknown: exits 2 when the time limit runs out', () => {
    const ops = Array.from({ length: 24 }, (_, i) =>
      kv(i, { op: 'put', key: 'x', value: `v${i}` }, 0, 1000),
    );
    ops.push(kv(24, { op: 'get', key: 'x' }, 500, 600, 'nobody'));
    const hard = file('hard.jsonl', formatHistoryJsonl('kv', ops));
    const r = run('--timeout', '0.05', hard);
    expect(r.stdout).to.match(/: unknown \(time limit, \d+ ms\)\n$/);
    expect(r.status).to.equal(2);
    // A budget in search steps gives the same verdict on every machine, however fast.
    const budget = run('--iterations', '1000', hard);
    expect(budget.stdout).to.match(/: unknown \(iteration limit, \d+ ms\)\n$/);
    expect(budget.status).to.equal(2);
    const easy = file('easy.jsonl', formatHistoryJsonl('kv', ops.slice(0, 2)));
    expect(run('--iterations', '1000', easy).status).to.equal(0);
  });

  it('bad input: exits 3 naming the file and line', () => {
    const broken = file(
      'broken.txt',
      '{:process 0, :type :invoke, :f :get, :key "a", :value nil}\n{:process 0, :type :ok, :f :get}\n',
    );
    let r = run(broken);
    expect(r.status).to.equal(3);
    expect(r.stderr).to.contain(`${broken}:2: bad input: not an EDN key/value log line`);
    const json = file(
      'broken.jsonl',
      '{"history":"dslab-history/1"}\n{"clientId":0,"input":{"op":"get","key":"a"},"call":1,"output":{"value":""},"return":2}\n{"clientId":0, "input": \n',
    );
    r = run(json);
    expect(r.status).to.equal(3);
    expect(r.stderr).to.contain(`${json}:3: bad input: invalid JSON`);
    const jepsen = file(
      'broken.log',
      'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:frob\t1\n',
    );
    r = run(jepsen);
    expect(r.stderr).to.contain(`${jepsen}:2: bad input: not a Jepsen etcd log line`);
    r = run(file('empty.log', ''));
    expect(r.status).to.equal(3);
    expect(r.stderr).to.contain('empty file');
    r = run(path.join(dir, 'missing.txt'));
    expect(r.status).to.equal(3);
    expect(r.stderr).to.contain('missing.txt: bad input: ENOENT');
    expect(run('--model', 'nope', 'x').status).to.equal(3);
    expect(run('--timeout', 'soon', 'x').status).to.equal(3);
  });

  it('--help prints the usage and exits 0; a bad command line says what is wrong and exits 3', () => {
    const help = run('--help');
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/^Usage: check-history \[options\] <files\.\.\.>/);
    expect(help.stdout).to.contain('--no-partition');
    const cases: [string[], string][] = [
      [[], "missing required argument 'files'"],
      [
        ['--model', 'nope', 'x'],
        "argument 'nope' is invalid. Allowed choices are kv, cas-register",
      ],
      [['--timeout=-1', 'x'], 'expected a number of seconds'],
      [['--iterations', '0', 'x'], 'expected a whole number of search steps, at least 1'],
      [['--iterations', '2.5', 'x'], 'expected a whole number of search steps, at least 1'],
      [['--frob', 'x'], "Unknown option '--frob'"],
      [['x', '--timeout'], "Option '--timeout <value>' argument missing"],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).to.equal(3);
      expect(r.stderr, args.join(' ')).to.contain(message);
      expect(r.stderr).to.contain('--help');
    }
  });

  it('several files: one line each, and the worst exit status', () => {
    requireFixtures();
    const ok = path.join(FIXTURES, 'jepsen', 'etcd_002.log');
    const bad = path.join(FIXTURES, 'jepsen', 'etcd_000.log');
    const r = run(ok, bad, ok);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/ \(\d+ ms\)$/, '')),
    ).to.deep.equal([`${ok}: ok`, `${bad}: illegal`, `${ok}: ok`]);
    expect(r.status).to.equal(1);
    expect(run(ok, bad, path.join(dir, 'missing.txt')).status).to.equal(3);
  });

  it('--html writes a self-contained report and names it', () => {
    requireFixtures();
    const out = path.join(dir, 'report.html');
    const r = run('--html', out, path.join(FIXTURES, 'kv', 'c10-bad.txt'));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`report ${out}`);
    const html = fs.readFileSync(out, 'utf8');
    expect(unpackPayload(html).svgs[0]).to.contain('<svg class="timeline"');
    expect(html).not.to.match(/(src|href)="(https?:)?\/\//);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
