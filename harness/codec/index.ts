// The codec (our labgob): values to bytes and back, used for every RPC hop, persisted state and
// snapshots. Only values that survive the round trip unchanged are accepted; anything else is
// rejected at encode time with the path of the offending part, e.g.
//   args.entries[3].command: a function cannot be sent
//
// Accepted: null, booleans, finite numbers, strings, Uint8Array, arrays (dense), and plain
// objects (prototype Object.prototype or null). The wire format is MessagePack; the same value
// always encodes to the same bytes (properties in insertion order).
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { Codec } from '../api';

export class CodecError extends Error {
  override name = 'CodecError';
}

const encoder = new Encoder({ ignoreUndefined: false, forceIntegerToFloat: false });
/**
 * Map keys decoded recently, by byte length, so that the same property names are not decoded from
 * UTF-8 again on every message. It replaces @msgpack/msgpack's own shared key cache, which evicts
 * at random with Math.random once more than 16 distinct keys of one length have been seen (gids
 * as keys of a configuration's groups do that): the simulator traps Math.random, so eviction here
 * is round-robin.
 */
class KeyCache {
  private static readonly MAX_KEY_BYTES = 16;
  private static readonly PER_LENGTH = 16;
  private readonly buckets = Array.from({ length: KeyCache.MAX_KEY_BYTES }, () => ({ keys: [] as { bytes: Uint8Array; str: string }[], next: 0 }));
  private readonly utf8 = new TextDecoder();

  canBeCached(byteLength: number): boolean {
    return byteLength > 0 && byteLength <= KeyCache.MAX_KEY_BYTES;
  }

  decode(bytes: Uint8Array, offset: number, byteLength: number): string {
    const bucket = this.buckets[byteLength - 1];
    search: for (const key of bucket.keys) {
      for (let j = 0; j < byteLength; j++) if (key.bytes[j] !== bytes[offset + j]) continue search;
      return key.str;
    }
    const copy = bytes.slice(offset, offset + byteLength);
    const str = this.utf8.decode(copy);
    if (bucket.keys.length < KeyCache.PER_LENGTH) bucket.keys.push({ bytes: copy, str });
    else bucket.keys[bucket.next++ % KeyCache.PER_LENGTH] = { bytes: copy, str };
    return str;
  }
}

const decoder = new Decoder({ keyDecoder: new KeyCache() });

/** Throws a CodecError naming the first part of `value` that cannot cross a wire faithfully. */
export function validate(value: unknown, path = 'value'): void {
  const problem = findProblem(value, new Set());
  if (problem) throw new CodecError(`${path}${problem.trail.reverse().join('')}: ${problem.reason}`);
}

/** What cannot be sent and where: the steps from the root (`.key`, `[3]`), innermost first. */
interface Problem {
  trail: string[];
  reason: string;
}

// Every RPC and every save passes through here: a sendable value costs no strings at all; the
// trail is built only on the way back out of a failure.
function findProblem(value: unknown, ancestors: Set<object>): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : problem(`${value} cannot be sent (only finite numbers can)`);
    case 'undefined':
      return problem('undefined cannot be sent; use null, or leave the property out');
    case 'function':
      return problem('a function cannot be sent');
    case 'symbol':
      return problem('a symbol cannot be sent');
    case 'bigint':
      return problem('a bigint cannot be sent; send it as a string or a safe-integer number');
    case 'object':
      break;
  }
  if (value === null) return undefined;
  const obj = value as object;
  if (obj instanceof Uint8Array) {
    return obj.constructor === Uint8Array ? undefined : problem(`a ${obj.constructor.name} would arrive as a plain Uint8Array; send new Uint8Array(value)`);
  }
  if (ancestors.has(obj)) return problem('a cyclic structure cannot be sent');
  ancestors.add(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const inner = i in obj ? findProblem(obj[i], ancestors) : problem('a sparse array (hole at this index) cannot be sent');
      if (inner) return within(inner, `[${i}]`);
    }
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      return problem(`${describeInstance(obj)} cannot be sent; send a plain object or array with its data instead`);
    }
    if (Object.getOwnPropertySymbols(obj).length > 0) return problem('properties keyed by symbols cannot be sent');
    for (const key of Object.keys(obj)) {
      const inner = findProblem((obj as Record<string, unknown>)[key], ancestors);
      if (inner) return within(inner, `.${key}`);
    }
  }
  ancestors.delete(obj);
  return undefined;
}

function problem(reason: string): Problem {
  return { trail: [], reason };
}

function within(inner: Problem, step: string): Problem {
  inner.trail.push(step);
  return inner;
}

function describeInstance(obj: object): string {
  if (obj instanceof Map) return 'a Map';
  if (obj instanceof Set) return 'a Set';
  if (obj instanceof Date) return 'a Date';
  if (ArrayBuffer.isView(obj)) return `a ${obj.constructor.name}`;
  const name = (obj as { constructor?: { name?: string } }).constructor?.name;
  return name ? `an instance of class ${name} (its prototype would be lost)` : 'an object with a custom prototype';
}

/** Encodes `value`, or throws a CodecError naming what cannot be sent. `path` names the root. */
export function encode(value: unknown, path = 'value'): Uint8Array {
  validate(value, path);
  return encoder.encode(value);
}

/** Decodes bytes produced by encode(); the result shares nothing with any other value. */
export function decode<T = unknown>(bytes: Uint8Array): T {
  return decoder.decode(bytes) as T;
}

export const codec: Codec = { encode: (value) => encode(value), decode };
