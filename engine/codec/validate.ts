// What the codec accepts, and where a value that cannot cross a wire goes wrong: the reference
// definition of "sendable". The fast paths (writer.ts, copy.ts) accept exactly the values this
// accepts and, on anything else, hand the value to the old path, which throws the error found here.
export class CodecError extends Error {
  override name = 'CodecError';
}

/** Throws a CodecError naming the first part of `value` that cannot cross a wire faithfully. */
export function validate(value: unknown, path = 'value'): void {
  const problem = findProblem(value, new Set());
  if (problem)
    throw new CodecError(`${path}${problem.trail.reverse().join('')}: ${problem.reason}`);
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
      return Number.isFinite(value)
        ? undefined
        : problem(`${value} cannot be sent (only finite numbers can)`);
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
    return obj.constructor === Uint8Array
      ? undefined
      : problem(
          `a ${obj.constructor.name} would arrive as a plain Uint8Array; send new Uint8Array(value)`,
        );
  }
  if (ancestors.has(obj)) return problem('a cyclic structure cannot be sent');
  ancestors.add(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      const inner =
        i in obj
          ? findProblem(obj[i], ancestors)
          : problem('a sparse array (hole at this index) cannot be sent');
      if (inner) return within(inner, `[${i}]`);
    }
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      return problem(
        `${describeInstance(obj)} cannot be sent; send a plain object or array with its data instead`,
      );
    }
    if (Object.getOwnPropertySymbols(obj).length > 0)
      return problem('properties keyed by symbols cannot be sent');
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
  return name
    ? `an instance of class ${name} (its prototype would be lost)`
    : 'an object with a custom prototype';
}
