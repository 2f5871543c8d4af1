// The starter kit names its parts as the 2023 edition does; the 2026 edition's Raft parts are the
// same work under new ids (3A-3D for 2A-2D, labs/e2026/lab3/raft-parts.ts). A kit copied for 2026
// (new-lab, the student edition) has its part ids rewritten in the layers those parts are written
// in, so every "not implemented yet (part ...)" and "Your code here (...)" names the edition's part.
import type { Edition } from '../labs/editions';
import { partsOf } from '../labs/editions';
import { RAFT_PARTS_2026 } from '../labs/e2026/lab3/raft-parts';

interface Renaming {
  /** The kit's own (2023) id -> the edition's id. */
  ids: ReadonlyMap<string, string>;
  /** The layers whose files are rewritten. */
  layers: ReadonlySet<string>;
}

function renamingOf(edition: Edition): Renaming | undefined {
  if (edition !== '2026') return undefined;
  const ids = new Map(Object.entries(RAFT_PARTS_2026).map(([to, from]) => [from, to]));
  const layers = new Set(
    partsOf(edition)
      .filter((p) => p.id in RAFT_PARTS_2026)
      .flatMap((p) => p.writes),
  );
  return { ids, layers };
}

/**
 * `text`, a file of the kit's `layer`, as `edition` names its parts: every whole-word 2023 part id
 * of a renamed part (2A, and 2A in "2A–2D") becomes the edition's; other files are returned as they are.
 */
export function starterTextFor(edition: Edition, layer: string, text: string): string {
  const renaming = renamingOf(edition);
  if (!renaming || !renaming.layers.has(layer)) return text;
  const ids = [...renaming.ids.keys()];
  const pattern = new RegExp(`(?<![\\w.])(${ids.join('|')})(?![\\w])`, 'g');
  return text.replace(pattern, (id) => renaming.ids.get(id)!);
}

/** Whether `edition` rewrites any file of the kit's `layer` (callers copy the rest as they are). */
export function rewritesLayer(edition: Edition, layer: string): boolean {
  return renamingOf(edition)?.layers.has(layer) ?? false;
}
