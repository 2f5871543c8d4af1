// The grader tests' mini Raft with an injected fault (ctor: a constructor that throws) on about half the seeds.
import { makeFaultyRaft } from '../../mini/raft/index';

export const makeRaft = makeFaultyRaft('ctor');
