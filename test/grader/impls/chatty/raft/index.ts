// The grader tests' mini Raft that prints with console.log when it becomes leader.
import { makeFaultyRaft } from '../../mini/raft/index';

export const makeRaft = makeFaultyRaft('console');
