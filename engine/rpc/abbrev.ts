// RPC arguments and replies as one short line for traces (`grade replay --rpc`, saved traces):
// `{term: 4, voteGranted: true}`, a Raft log as `entries[3]: 12..14` (the indices it covers, from
// prevLogIndex), bytes as a size, long strings cut. Display only: never part of a fingerprint.
import { decode } from '../codec';

/** The decoded message of an RPC trace record, abbreviated; undefined if it carries none. */
export function rpcText(data: Uint8Array | undefined, max = 200): string | undefined {
  if (data === undefined) return undefined;
  let value: unknown;
  try {
    value = decode(data);
  } catch {
    return `(${data.length} bytes the codec cannot decode)`;
  }
  const text = abbreviate(value, 0);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const SHORT_STRING = 24;
const INLINE_ITEMS = 3;

export function abbreviate(value: unknown, depth = 0): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'string')
    return value.length <= SHORT_STRING
      ? JSON.stringify(value)
      : `${JSON.stringify(value.slice(0, SHORT_STRING - 4))}…(${value.length} chars)`;
  if (value instanceof Uint8Array) return `${value.length}B`;
  if (Array.isArray(value)) return arrayText(value, depth, undefined);
  if (typeof value === 'object') {
    if (depth >= 2) return '{…}';
    const o = value as Record<string, unknown>;
    const fields = Object.keys(o).map((k) => {
      const v = o[k];
      if (Array.isArray(v)) return `${k}${arrayText(v, depth + 1, indexBase(k, o))}`;
      return `${k}: ${abbreviate(v, depth + 1)}`;
    });
    return `{${fields.join(', ')}}`;
  }
  return String(value);
}

/** For a Raft log in AppendEntries, the index of its first entry minus one. */
function indexBase(key: string, o: Record<string, unknown>): number | undefined {
  return key === 'entries' && typeof o.prevLogIndex === 'number' ? o.prevLogIndex : undefined;
}

function arrayText(a: unknown[], depth: number, base: number | undefined): string {
  if (a.length === 0) return '[]';
  if (base !== undefined)
    return `[${a.length}]: ${base + 1}${a.length > 1 ? `..${base + a.length}` : ''}`;
  if (a.length <= INLINE_ITEMS && depth < 2) {
    const items = a.map((x) => abbreviate(x, depth + 1));
    if (items.join(', ').length <= 60) return `[${items.join(', ')}]`;
  }
  return `[${a.length}]`;
}
