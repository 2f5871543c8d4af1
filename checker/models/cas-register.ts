// A compare-and-set register, as in the etcd Jepsen logs: read, write, cas on one integer cell
// that starts out nil (never written). Unknown outputs (a timed-out read, a cas whose client gave
// up) are accepted; an unknown cas takes effect if it can.
import type { Model } from '../model';

export interface CasInput {
  op: 'read' | 'write' | 'cas';
  /** write: the value; cas: the expected value. */
  arg1?: number;
  /** cas: the new value. */
  arg2?: number;
}

export interface CasOutput {
  /** read: false if the register was nil. */
  exists?: boolean;
  /** read: the value seen. */
  value?: number;
  /** cas: whether it swapped. */
  ok?: boolean;
  /** The client does not know the outcome. */
  unknown?: boolean;
}

/** null: never written. */
export type CasState = number | null;

export const casRegisterModel: Model<CasState, CasInput, CasOutput> = {
  name: 'cas-register',
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case 'read':
        if (output === undefined || output.unknown) return state;
        if (output.exists) return output.value === state ? state : undefined;
        return state === null ? state : undefined;
      case 'write':
        return input.arg1 ?? null;
      case 'cas': {
        const swaps = input.arg1 === state;
        if (output !== undefined && !output.unknown && output.ok !== swaps) return undefined;
        return swaps ? (input.arg2 ?? null) : state;
      }
      default:
        return undefined;
    }
  },
  // A read, and a cas known to have failed (legal only where it would not swap), never change the
  // state; an unknown-outcome cas may.
  readOnly: (input, output) =>
    input.op === 'read' ||
    (input.op === 'cas' && output !== undefined && !output.unknown && output.ok !== true),
  hash: (state) => (state === null ? 0x5bd1e995 : state | 0),
  describeOperation(input, output) {
    const outcome = output === undefined || output.unknown ? 'unknown' : undefined;
    switch (input.op) {
      case 'read':
        return `read() -> ${outcome ?? (output!.exists ? String(output!.value) : 'null')}`;
      case 'write':
        return `write(${input.arg1})`;
      case 'cas':
        return `cas(${input.arg1}, ${input.arg2}) -> ${outcome ?? (output!.ok ? 'ok' : 'fail')}`;
      default:
        return '<invalid>';
    }
  },
  describeState: (state) => (state === null ? 'null' : String(state)),
};
