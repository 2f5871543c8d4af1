// The key/value swarm's exactly-once check over a whole history. Every append and put writes a
// unique element ("x <clerk> <k> y"), so a value read can be taken apart: an element read twice
// in one value was applied twice (a retried write not deduplicated); an append that completed
// while no put on its key was pending or to come must be in the key's final value (else a write
// was lost, or the final read was stale).
// The linearizability checker sees the same history, but it may time out on a large one, and its
// verdict does not say which write went wrong; this check always ends and names it.
import { fail } from '../../harness/scenario';
import type { KvOperation } from '../lab3/kv-history';
import { abbreviate } from '../lab3/kv-history';

export const keyName = (k: number): string => `k${k}`;

/** The elements of a value, in order ("x 1 0 yx 2 0 y" -> ["x 1 0 y", "x 2 0 y"]). */
export function elementsOf(v: string): string[] {
  return v.match(/x \d+ \d+ y/g) ?? [];
}

const at = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

export function checkExactlyOnce(
  operations: readonly KvOperation[],
  finals: ReadonlyMap<string, string>,
): void {
  for (const op of operations) {
    const value = op.output?.value;
    if (op.input.op !== 'get' || value === undefined) continue;
    const seen = new Set<string>();
    for (const e of elementsOf(value)) {
      if (seen.has(e))
        fail(
          'exactly-once',
          `exactly-once: get(${JSON.stringify(op.input.key)}) by clerk ${op.clientId} at ${at(op.return)} read element "${e}" twice: a write was applied twice\nvalue: ${abbreviate(value)}`,
        );
      seen.add(e);
    }
  }
  for (const [key, final] of finals) {
    const present = new Set(elementsOf(final));
    const puts = operations.filter((op) => op.input.key === key && op.input.op === 'put');
    for (const op of operations) {
      if (op.input.key !== key || op.input.op !== 'append' || op.output === undefined) continue;
      // A put that had not returned before this append was called may be ordered after it.
      if (puts.some((p) => p.return > op.call)) continue;
      const element = op.input.value ?? '';
      if (!present.has(element)) {
        fail(
          'exactly-once',
          `exactly-once: append(${JSON.stringify(key)}, "${element}") by clerk ${op.clientId} returned at ${at(op.return)} and no put followed, but the final value lacks it: a write was lost, or the final read was stale\nfinal value: ${abbreviate(final)}`,
        );
      }
    }
  }
}
