// Lab 3 of the 2026 edition: Raft, parts 3A-3D, which are the 2023 edition's 2A-2D under the
// names the course has used since 2025 (src/raft1/raft_test.go: TestInitialElection3A ...
// TestSnapshotInit3D, in the same order). Each test is the 2023 test's own body, registered again
// under its new name, part and label (renamedRaftTest), never a copy: a fix to a 2A test is a fix
// to its 3A twin, and a learner's Raft folder grades the same under either edition.
import type { Scenario } from '../../../harness/scenario';
import { renamedRaftTest } from '../../lab2/raft-scenario';
import { PARTS, type PartDescription } from '../../parts';

/** The 2023 part each 2026 Raft part is. */
export const RAFT_PARTS_2026: Readonly<Record<string, string>> = {
  '3A': '2A',
  '3B': '2B',
  '3C': '2C',
  '3D': '2D',
};

/**
 * The course's 2025-2026 labels where they are not the 2023 label with the new part: the two
 * unreliable snapshot tests print the label of their reliable twins since 2025.
 */
const LABELS_2026: Readonly<Record<string, string>> = {
  TestSnapshotInstallUnreliable3D: 'Test (3D): install snapshots (disconnect)',
  TestSnapshotInstallUnCrash3D: 'Test (3D): install snapshots (crash)',
};

/** The 2023 test `s` of part `from` as the 2026 edition names it, in part `to`. */
function renamed(s: Scenario, from: string, to: string): Scenario {
  if (!s.name.endsWith(from))
    throw new Error(`${s.name} does not end with its part ${from}: it cannot be renamed to ${to}`);
  const name = s.name.slice(0, -from.length) + to;
  const description = LABELS_2026[name] ?? s.description.replace(`(${from}`, `(${to}`);
  return renamedRaftTest(s, { name, part: to, description });
}

/** The 2026 part `to` made of the 2023 part it is (tests, title, work, files, points). */
function raftPart(to: string, needs: readonly string[]): PartDescription {
  const from = RAFT_PARTS_2026[to];
  const source = PARTS.find((p) => p.id === from);
  if (!source) throw new Error(`the 2023 registry has no part ${from}`);
  return {
    ...source,
    id: to,
    lab: '3',
    needs,
    course: source.course.map((s) => renamed(s, from, to)),
    ours: source.ours.map((s) => renamed(s, from, to)),
    // The Raft swarm's levels are 2023 part ids: 3B grades it at 2B, the same plans and runs.
    ...(source.swarm ? { swarm: source.swarm, swarmLevel: source.swarmLevel ?? from } : {}),
  };
}

export const RAFT_2026: readonly PartDescription[] = [
  raftPart('3A', []),
  raftPart('3B', ['3A']),
  raftPart('3C', ['3B']),
  raftPart('3D', ['3C']),
];
