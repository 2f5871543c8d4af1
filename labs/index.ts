// The registry of every graded test, by lab part, in the original files' order; then ours (swarm).
import { ALL_PARTS, type LabPart, type Scenario } from '../harness/scenario';
import { scenarios as lab2a } from './lab2a';
import { scenarios as lab2b } from './lab2b';
import { scenarios as lab2c } from './lab2c';
import { scenarios as lab2d } from './lab2d';
import { scenarios as lab3a } from './lab3a';
import { scenarios as lab3b } from './lab3b';
import { scenarios as lab4a } from './lab4a';
import { scenarios as lab4b } from './lab4b';
import { scenarios as swarm } from './swarm';

export const scenariosByPart: Readonly<Record<LabPart, readonly Scenario[]>> = {
  '2A': lab2a,
  '2B': lab2b,
  '2C': lab2c,
  '2D': lab2d,
  '3A': lab3a,
  '3B': lab3b,
  '4A': lab4a,
  '4B': lab4b,
  SWARM: swarm,
};

export function allScenarios(): Scenario[] {
  return ALL_PARTS.flatMap((part) => scenariosByPart[part]);
}

export function findScenario(name: string): Scenario | undefined {
  return allScenarios().find((s) => s.name === name);
}
