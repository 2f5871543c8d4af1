// What the grader needs of a swarm test's family: the test itself (it reads its level and, when
// given one, its fault plan from the run parameters), how a seed draws a plan, how to describe
// one, and which knob changes make a world gentler. `grade shrink` searches with these; a part
// names its family in the registry (labs/parts.ts), so a new family is an entry there.
import type { Scenario } from '../harness/scenario';

/** A plan as the search sees it: knobs with a chaos length and clients, and timed faults. */
export interface SwarmPlanShape {
  knobs: {
    chaosMs: number;
    stepMs: number;
    clients: number;
    unreliable: boolean;
    longReordering: boolean;
  };
  faults: { atMs: number }[];
}

export interface SwarmFamily<P extends SwarmPlanShape = SwarmPlanShape> {
  /** The swarm test: graded at the level of each part that names this family. */
  readonly test: Scenario;
  /** The plan a seed draws at a level (a part id; undefined: the family's fullest). */
  drawPlan(seed: number, level?: string): P;
  describeKnobs(k: P['knobs']): string;
  describeFault(f: P['faults'][number]): string;
  /** The fewest clients a plan may keep. */
  readonly minClients: number;
  /** Knob changes that make the world gentler, each with what it removes (family-specific ones). */
  gentler(k: P['knobs']): [boolean, Partial<P['knobs']>, string][];
}

/** A family of some plan type, as the registry holds it. */
export type AnySwarmFamily = SwarmFamily<any>;
