// The runtime a variant hands the reference it builds on: the harness's own, with some of its
// methods changed (a shortened timer, say). Everything else goes straight through.
import type { Runtime } from '../harness/api';

export function lentRuntime(
  rt: Runtime,
  changes: Partial<Omit<Runtime, 'name' | 'codec' | 'crashed'>>,
): Runtime {
  return {
    name: rt.name,
    codec: rt.codec,
    get crashed() {
      return rt.crashed;
    },
    now: () => rt.now(),
    sleep: (ms, label) => rt.sleep(ms, label),
    setTimer: (ms, fn, label) => rt.setTimer(ms, fn, label),
    random: () => rt.random(),
    randomInt: (n) => rt.randomInt(n),
    signal: (description) => rt.signal(description),
    log: (topic, message) => rt.log(topic, message),
    invariant: (holds, message) => rt.invariant(holds, message),
    ...changes,
  };
}

/**
 * The runtime without the reference's own invariant checks: a variant that stands for a learner's
 * bug must be caught by the suite, and a learner's code has no such checks to stop it first.
 */
export function withoutInvariants(rt: Runtime): Runtime {
  return lentRuntime(rt, { invariant: () => {} });
}
