// The grader tests' mini Raft with an injected fault (slow: every event burns real time) on about half the seeds.
import { makeFaultyRaft } from '../../mini/raft/index';

export const makeRaft = makeFaultyRaft('slow');
