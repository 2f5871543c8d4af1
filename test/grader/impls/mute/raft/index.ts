// The grader tests' mini Raft with an injected fault (mute) on about half the seeds.
import { makeFaultyRaft } from '../../mini/raft/index';

export const makeRaft = makeFaultyRaft('mute');
