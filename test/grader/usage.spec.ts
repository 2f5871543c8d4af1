// The grader's command line when nothing, or something mistyped, is given: usage with examples
// instead of grading everything, and a mistyped command named as a command.
import { expect } from 'chai';
import { grade } from './helpers';

describe('grader: usage', function () {
  this.timeout(30_000);

  it('with no part to grade, prints usage with examples (exit status 2) and grades nothing', async () => {
    for (const args of [[], ['grade'], ['-n', '3']]) {
      const r = await grade(args, {}, 20_000);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(/^grade: name what to grade: lab2a \.\.\. /);
      expect(r.stderr).to.match(/^Usage: npm run grade -- LAB\.\.\. \[options\]/m);
      expect(r.stderr).to.match(/^Examples:\n {2}npm run grade lab2a {2,}/m);
      expect(r.stderr).to.include('npm run grade -- replay TestBackup2B --seed 17 --trace');
      expect(r.stderr).not.to.include('grading ');
    }
  });

  it('says "did you mean replay?" for a mistyped command, even with the options it would take', async () => {
    const r = await grade(['reply', 'TestBackup2B', '--seed', '17', '--trace']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^grade: unknown command "reply": did you mean replay\? /);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    const merge = await grade(['mrege', 'a.json']);
    expect(merge.stderr).to.match(/did you mean merge\?/);
    // A lab mistyped is still a lab.
    const lab = await grade(['lab2a2']);
    expect(lab.code).to.equal(2);
    expect(lab.stderr).to.match(/^grade: unknown lab "lab2a2": did you mean lab2a\? /);
  });
});
