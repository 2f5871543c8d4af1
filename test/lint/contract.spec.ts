// The lint rules of the determinism contract for code under test (src/ and impls/): each flags a
// misuse with advice, and leaves the runtime's own way of doing the same thing alone.
import { expect } from 'chai';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function messages(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint: the determinism contract for code under test', function () {
  this.timeout(60_000);

  it('flags console output under src/ and impls/ with the advice to use runtime.log', async () => {
    const code = "export function f(me: number): void {\n  console.log('leader', me);\n}\n";
    for (const file of ['src/raft/probe.ts', 'impls/some-variant/raft/probe.ts']) {
      const found = await messages(code, file);
      expect(found, file).to.have.length(1);
      expect(found[0], file).to.match(
        /^no-restricted-globals: Unexpected use of 'console'\. .*use runtime\.log\(topic, message\)/,
      );
    }
    // The harness and the grader print on purpose.
    expect(await messages(code, 'grader/probe.ts')).to.deep.equal([]);
  });

  it('accepts runtime.log', async () => {
    const code =
      "import type { Runtime } from '../../harness/api';\nexport function f(runtime: Runtime, me: number): void {\n  runtime.log('election', `S${me} leader`);\n}\n";
    expect(await messages(code, 'src/raft/probe.ts')).to.deep.equal([]);
  });
});
