// Part 3B. No tests are ported for this part yet.
import type { Scenario } from '../harness/scenario';

export const scenarios: Scenario[] = [];
