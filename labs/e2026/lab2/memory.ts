// How much a server keeps, measured without its help and without real memory figures (which
// would differ from run to run): the size of everything reachable from the server object, counted
// as an encoding would count it. Strings count their UTF-8 bytes, numbers 8, booleans 1, each
// property its name, each object and array entry 1 more; byte arrays their length. What the
// harness lent the server (its runtime and what that made: signals, timers) is not the server's
// and is not entered; functions are skipped (closures' variables cannot be seen, see below).
//
// What this bounds: state kept in fields, maps, sets and arrays reachable from the object the
// server's factory returned. State held only in a closure's variables is invisible to it.

/** The runtime given to the server, and the objects it handed out, excluded from the walk. */
export class Lent {
  private readonly objects = new WeakSet<object>();

  add<T>(value: T): T {
    if (typeof value === 'object' && value !== null) this.objects.add(value);
    return value;
  }

  has(value: object): boolean {
    return this.objects.has(value);
  }
}

const utf8 = new TextEncoder();

/** The counted size of what is reachable from `root`, each object once. */
export function reachableBytes(root: unknown, lent: Lent): number {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  let bytes = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') bytes += utf8.encode(v).length;
    else if (typeof v === 'number' || typeof v === 'bigint') bytes += 8;
    else if (typeof v === 'boolean') bytes += 1;
    else if (typeof v === 'object' && v !== null && !seen.has(v) && !lent.has(v)) {
      seen.add(v);
      bytes += 1;
      if (ArrayBuffer.isView(v)) bytes += v.byteLength;
      else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
      else if (v instanceof Set) for (const x of v) stack.push(x);
      else if (!(v instanceof Promise))
        for (const [k, x] of Object.entries(v)) {
          bytes += k.length;
          stack.push(x);
        }
    }
  }
  return bytes;
}
