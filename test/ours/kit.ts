// The starter kit filled in as a learner would, for our specs (test/ours): a kit copy (npm run
// new-lab) with its 2A hooks filled with the minimal election (fillElection, shared with the
// learner's specs in test/learner/helpers.ts), and variants.
import * as path from 'node:path';
import { compileLearnerDir } from '../../grader/learner/compile';
import { Implementation } from '../../harness/impl';
import { cleanup, fill, fillElection, newLab, tempDir } from '../learner/helpers';

export { fillElection };

/** The kit's 2A edits with the vote's timer reset taken out (a voter may depose its own winner). */
export function dropResetOnVote(dir: string): void {
  fill(dir, 'raft/raft.ts', [
    [
      '      this.votedFor = args.candidateId;\n      this.resetElectionTimer();',
      '      this.votedFor = args.candidateId;',
    ],
  ]);
}

/** Kit copies made for a spec, compiled as the grader compiles a learner's folder; cleanup() removes them. */
export class KitCopies {
  private readonly dirs: string[] = [];

  /** A fresh kit copy (npm run new-lab), edited by `edit`, returned as its source folder. */
  make(name: string, edit: (dir: string) => void = () => {}): string {
    const dir = path.join(tempDir(name), 'mylab');
    this.dirs.push(path.dirname(dir), dir);
    newLab(dir);
    edit(dir);
    return dir;
  }

  /** The compiled implementation of a kit copy. */
  static implementation(dir: string): Implementation {
    return new Implementation(compileLearnerDir(dir).dir);
  }

  cleanup(): void {
    cleanup(...this.dirs);
  }
}
