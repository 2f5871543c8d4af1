// The starter kit's files name the 2023 edition's parts ("getState() is not implemented yet (part
// 2A)"). A copy made for 2026 (new-lab, the student edition) has them rewritten as that edition
// names them (tools/starter-parts.ts); a kit graded as it is (the project's own starter/, under
// --edition 2026) still throws the 2023 id, so a run's error is reworded here to match.
import type { Edition } from './editions';

/** The kit's not-implemented message: group 2 is the part id it names. */
const NOT_IMPLEMENTED = /(is not implemented yet \(part )(\w+)/g;

/** `error` with every not-implemented message naming `edition`'s part for the kit's 2023 id. */
export function kitMessageAs(edition: Edition, error: string): string {
  if (edition !== '2026' || !error.includes('is not implemented yet')) return error;
  // Loaded on use, as labs/editions.ts loads the registries: the Raft parts module imports tests.
  const { RAFT_PARTS_2026 } =
    require('./e2026/lab3/raft-parts') as typeof import('./e2026/lab3/raft-parts');
  const to = new Map(Object.entries(RAFT_PARTS_2026).map(([id, from]) => [from, id]));
  return error.replace(NOT_IMPLEMENTED, (whole, lead: string, id: string) =>
    to.has(id) ? `${lead}${to.get(id)!}` : whole,
  );
}
