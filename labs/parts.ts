// The part registry: one description per lab part, in the course's order. Everything that lists
// parts reads it: the grader's argument parsing and suggestions, `list`, help texts, the score table,
// --reference, the learner compiler's layers, new-lab's hints and the student edition's README.
// Adding a part is adding an entry here (and its tests, contract, starter and reference files):
// README.md, "Adding a lab part".
import type { Scenario } from '../harness/scenario';
import type { LayerName } from '../harness/layers';
import { scenarios as lab2a } from './lab2/lab2a';
import { scenarios as lab2b } from './lab2/lab2b';
import { scenarios as lab2c } from './lab2/lab2c';
import { scenarios as lab2d } from './lab2/lab2d';
import { scenarios as lab3a } from './lab3/lab3a';
import { scenarios as lab3b } from './lab3/lab3b';
import { scenarios as lab4a, ours as ours4a } from './lab4/lab4a';
import { scenarios as lab4b } from './lab4/lab4b';
import { deleteScenarios3A, deleteScenarios3B } from './lab3/kv-delete';
import { scenarios as elections } from './ours/raft-elections';
import { scenarios as crashPoints } from './ours/raft-crash-points';
import { scenarios2A as past2A, scenarios2B as past2B } from './ours/raft-past';
import { scenarios2B as figure8 } from './ours/raft-figure8';
import { scenarios2D as past2D } from './ours/raft-past-snapshots';
import { scenarios2B as pastTerms2B, scenarios2D as pastTerms2D } from './ours/raft-past-terms';
import { scenarios2D as conflictAfterSnapshot } from './ours/raft-conflict-after-snapshot';
import { scenarios2D as busyService } from './ours/raft-busy-service';
import { scenarios2D as snapshotAcked } from './ours/raft-snapshot-acked';
import { scenarios3A as past3A } from './ours/kv-past';
import { scenarios3B as retry3B } from './ours/kv-retry-snapshot';
import { scenarios4B as leaveAll4B } from './ours/shardkv-leave-all';
import { scenarios4B as arrival4B } from './ours/shardkv-arrival';
import { scenarios4B as delete4B } from './ours/shardkv-delete';
import { kvSwarm, raftSwarm } from './ours/families';
import type { AnySwarmFamily } from './swarm-family';

export interface PartDescription {
  /** `2A`: what test names end with, what reports and `grade 2a` use. */
  readonly id: string;
  /** The lab it belongs to: `grade lab2` grades every part whose lab is `2`. */
  readonly lab: string;
  readonly title: string;
  /** What the learner writes in this part, and where (new-lab's hints, the README's path). */
  readonly work: string;
  readonly files: string;
  /** The layers the learner writes code in for this part. */
  readonly writes: readonly LayerName[];
  /** Every layer its tests load, in dependency order. */
  readonly layers: readonly LayerName[];
  /** Layers the learner may take from the reference instead of their own (--reference). */
  readonly fromReference: readonly LayerName[];
  /** Earlier parts whose code this part builds on. */
  readonly needs: readonly string[];
  /** The course's points for the part, shared equally by its course tests. */
  readonly points: number;
  /** The course's tests, in the original file's order. */
  readonly course: readonly Scenario[];
  /** Tests of ours, graded with the part and reported beside the course's score. */
  readonly ours: readonly Scenario[];
  /**
   * The swarm family that grades this part's level (`grade swarm 2b`): its test draws only the
   * faults a learner's code at this part must survive (it reads the level from its run parameters).
   */
  readonly swarm?: AnySwarmFamily;
  /**
   * The level this part grades its swarm family at, in the family's own level names (default:
   * the part's id). The 2026 edition's 3B grades the Raft swarm, whose levels are 2023 part ids,
   * at 2B (labs/ours/levels.ts).
   */
  readonly swarmLevel?: string;
}

const raftOnly: readonly LayerName[] = ['raft'];
const kvLayers: readonly LayerName[] = ['raft', 'kvraft'];

export const PARTS: readonly PartDescription[] = [
  {
    id: '2A',
    lab: '2',
    title: 'Raft: leader election',
    work: 'getState, requestVote, appendEntries (empty heartbeats), the election ticker',
    files: 'raft/raft.ts, raft/messages.ts',
    writes: raftOnly,
    layers: raftOnly,
    fromReference: [],
    needs: [],
    points: 5,
    course: lab2a,
    ours: [...elections, ...past2A],
  },
  {
    id: '2B',
    lab: '2',
    title: 'Raft: log agreement',
    work: 'start, log replication and the commit rule, an applier delivering in order',
    files: 'raft/raft.ts',
    writes: raftOnly,
    layers: raftOnly,
    fromReference: [],
    needs: ['2A'],
    points: 10,
    course: lab2b,
    ours: [...past2B, ...pastTerms2B, ...figure8],
    swarm: raftSwarm,
  },
  {
    id: '2C',
    lab: '2',
    title: 'Raft: persistence',
    work: 'persist, readPersist, and a faster backup of nextIndex',
    files: 'raft/raft.ts',
    writes: raftOnly,
    layers: raftOnly,
    fromReference: [],
    needs: ['2B'],
    points: 10,
    course: lab2c,
    ours: crashPoints,
    swarm: raftSwarm,
  },
  {
    id: '2D',
    lab: '2',
    title: 'Raft: log compaction (snapshots)',
    work: 'snapshot, installSnapshot',
    files: 'raft/raft.ts',
    writes: raftOnly,
    layers: raftOnly,
    fromReference: [],
    needs: ['2C'],
    points: 10,
    course: lab2d,
    ours: [...past2D, ...pastTerms2D, ...conflictAfterSnapshot, ...busyService, ...snapshotAcked],
    swarm: raftSwarm,
  },
  {
    id: '3A',
    lab: '3',
    title: 'key/value service on Raft',
    work: "the clerk's retries, the server's handlers, apply, duplicate detection (and delete, ours)",
    files: 'kvraft/',
    writes: ['kvraft'],
    layers: kvLayers,
    fromReference: raftOnly,
    needs: ['2C'],
    points: 15,
    course: lab3a,
    ours: [...deleteScenarios3A, ...past3A],
    swarm: kvSwarm,
  },
  {
    id: '3B',
    lab: '3',
    title: 'key/value service with snapshots',
    work: "snapshots of the service when Raft's state grows past maxraftstate",
    files: 'kvraft/server.ts',
    writes: ['kvraft'],
    layers: kvLayers,
    fromReference: raftOnly,
    needs: ['3A', '2D'],
    points: 15,
    course: lab3b,
    ours: [...deleteScenarios3B, ...retry3B],
    swarm: kvSwarm,
  },
  {
    id: '4A',
    lab: '4',
    title: 'shard controller',
    work: 'numbered configurations through Raft: join, leave, move, query; a deterministic minimal rebalance',
    files: 'shardctrler/',
    writes: ['shardctrler'],
    layers: ['raft', 'shardctrler'],
    fromReference: raftOnly,
    needs: ['2C'],
    points: 10,
    course: lab4a,
    ours: ours4a,
  },
  {
    id: '4B',
    lab: '4',
    title: 'sharded key/value service',
    work: 'groups poll the controller and hand shards over with their duplicate tables',
    files: 'shardkv/',
    writes: ['shardkv'],
    layers: ['raft', 'shardctrler', 'shardkv'],
    fromReference: ['raft', 'shardctrler'],
    needs: ['4A', '2D'],
    points: 25,
    course: lab4b,
    ours: [...leaveAll4B, ...arrival4B, ...delete4B],
  },
];
