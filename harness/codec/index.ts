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
const decoder = new Decoder();

/** Throws a CodecError naming the first part of `value` that cannot cross a wire faithfully. */
export function validate(value: unknown, path = 'value'): void {
  // Every RPC and every save passes through here: check without building path strings, and
  // walk again with paths only to word the error.
  if (sendable(value, new Set())) return;
  walk(value, path, new Set());
  throw new CodecError(`${path}: cannot be sent`); // unreachable: walk() throws for what sendable() rejects
}

/** The same rules as walk(), as a yes/no answer. */
function sendable(value: unknown, ancestors: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  const obj = value as object;
  if (obj instanceof Uint8Array) return obj.constructor === Uint8Array;
  if (ancestors.has(obj)) return false;
  ancestors.add(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      if (!(i in obj) || !sendable(obj[i], ancestors)) return false;
    }
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return false;
    if (Object.getOwnPropertySymbols(obj).length > 0) return false;
    for (const key of Object.keys(obj)) if (!sendable((obj as Record<string, unknown>)[key], ancestors)) return false;
  }
  ancestors.delete(obj);
  return true;
}

function walk(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CodecError(`${path}: ${value} cannot be sent (only finite numbers can)`);
      return;
    case 'undefined':
      throw new CodecError(`${path}: undefined cannot be sent; use null, or leave the property out`);
    case 'function':
      throw new CodecError(`${path}: a function cannot be sent`);
    case 'symbol':
      throw new CodecError(`${path}: a symbol cannot be sent`);
    case 'bigint':
      throw new CodecError(`${path}: a bigint cannot be sent; send it as a string or a safe-integer number`);
    case 'object':
      break;
  }
  if (value === null) return;
  const obj = value as object;
  if (obj instanceof Uint8Array) {
    if (obj.constructor !== Uint8Array) {
      throw new CodecError(`${path}: a ${obj.constructor.name} would arrive as a plain Uint8Array; send new Uint8Array(value)`);
    }
    return;
  }
  if (ancestors.has(obj)) throw new CodecError(`${path}: a cyclic structure cannot be sent`);
  ancestors.add(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      if (!(i in obj)) throw new CodecError(`${path}[${i}]: a sparse array (hole at this index) cannot be sent`);
      walk(obj[i], `${path}[${i}]`, ancestors);
    }
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const kind = describeInstance(obj);
      throw new CodecError(`${path}: ${kind} cannot be sent; send a plain object or array with its data instead`);
    }
    if (Object.getOwnPropertySymbols(obj).length > 0) {
      throw new CodecError(`${path}: properties keyed by symbols cannot be sent`);
    }
    for (const key of Object.keys(obj)) walk((obj as Record<string, unknown>)[key], `${path}.${key}`, ancestors);
  }
  ancestors.delete(obj);
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
