// The course's editions: each has its own part registry, since the same part id means different
// things in each (2023's 3A is the key/value service on Raft, 2026's is Raft's election). 2023 is
// the default. The grader chooses one with --edition or dslab.json's "edition" and passes it on in
// DSLAB_EDITION, which its workers inherit, so that every process resolves the same registry.
import type { PartDescription } from './parts';

/** The environment variable naming the edition (unset or empty: the default). */
export const EDITION_ENV = 'DSLAB_EDITION';
export const EDITIONS = ['2023', '2026'] as const;
export type Edition = (typeof EDITIONS)[number];
export const DEFAULT_EDITION: Edition = '2023';

export function isEdition(text: string): text is Edition {
  return (EDITIONS as readonly string[]).includes(text);
}

/** The edition the environment names; an unknown one is an error that lists the editions. */
export function currentEdition(env: NodeJS.ProcessEnv = process.env): Edition {
  const e = (env[EDITION_ENV] ?? '').trim();
  if (e === '') return DEFAULT_EDITION;
  if (!isEdition(e))
    throw new Error(
      `unknown edition "${e}" (${EDITION_ENV}): the editions are ${EDITIONS.join(', ')}`,
    );
  return e;
}

/** An edition's parts, in the course's order (loaded on first use: the registries import tests). */
export function partsOf(edition: Edition): readonly PartDescription[] {
  if (edition === '2026')
    return (require('./e2026/parts') as typeof import('./e2026/parts')).PARTS_2026;
  return (require('./parts') as typeof import('./parts')).PARTS;
}
