// What the HTML report shows, computed from a verbose check result: per partition, the operations,
// the longest linearizable prefixes with the model state after each step (replayed with the
// model), and where each prefix got stuck: the operations that could have come next but did not.
import type { CheckResult, Verdict } from './check';
import { describeOperation, describeState, type Model, type Operation } from './model';

/** At most this many prefixes per partition are drawn (the longest ones). */
export const MAX_PARTIALS = 30;

export interface ReportOp {
  client: number;
  call: number;
  /** null: never returned. */
  ret: number | null;
  desc: string;
  /** The server that answered, when the recorder knows. */
  server?: string;
}

/** A fault of the run at a virtual time, drawn on the timeline (see labs/lab3/faults.ts). */
export interface ReportFault {
  time: number;
  kind: 'partition' | 'heal' | 'crash' | 'restart' | 'leader' | 'unreliable' | 'reliable';
  text: string;
}

/** What the report shows besides the checked history. */
export interface ReportExtras {
  faults?: readonly ReportFault[];
  /** The test and seed, for the title. */
  title?: string;
}

export interface ReportPartial {
  /** Operation ids in linearization order. */
  ops: number[];
  /** Index into `states` of the state before the first step, then after each step. */
  states: number[];
  /** Operations that were candidates to come next, with why they could not. */
  stuck: { op: number; why: 'illegal' | 'dead end' }[];
  /** The earliest return among the operations left out: where this prefix stopped. */
  stopTime: number | null;
}

export interface ReportPartition {
  label: string;
  verdict: Verdict;
  reason?: string;
  ops: ReportOp[];
  partials: ReportPartial[];
  /** Per op: index of the longest shown prefix that holds it, or -1. */
  largest: number[];
}

export interface ReportData {
  model: string;
  verdict: Verdict;
  reason?: string;
  elapsedMs: number;
  /** Distinct state descriptions, referenced by index. */
  states: string[];
  partitions: ReportPartition[];
  faults: ReportFault[];
  title?: string;
}

export function buildReportData<S, I, O>(
  result: CheckResult<S, I, O>,
  extras: ReportExtras = {},
): ReportData {
  const states: string[] = [];
  const stateIndex = new Map<string, number>();
  const intern = (text: string) => {
    let i = stateIndex.get(text);
    if (i === undefined) {
      stateIndex.set(text, (i = states.length));
      states.push(text);
    }
    return i;
  };
  const model = result.model;
  const partitions = result.partitions.map((p): ReportPartition => {
    const ops = p.operations.map((op) => ({
      client: op.clientId,
      call: op.call,
      ret: Number.isFinite(op.return) ? op.return : null,
      desc: describeOperation(model, op.input, op.output),
      ...(op.server !== undefined ? { server: op.server } : {}),
    }));
    let sequences =
      p.verdict === 'ok' && p.linearization ? [p.linearization] : p.partials.slice(0, MAX_PARTIALS);
    // Nothing could go first: show the empty prefix and the candidates it got stuck on.
    if (p.verdict === 'illegal' && sequences.length === 0) sequences = [[]];
    const partials = sequences.map((seq) =>
      replay(model, p.operations, seq, p.verdict === 'illegal', intern),
    );
    const largest = ops.map(() => -1);
    partials.forEach((partial, k) =>
      partial.ops.forEach((op) => largest[op] === -1 && (largest[op] = k)),
    );
    return {
      label: p.label,
      verdict: p.verdict,
      ...(p.reason ? { reason: p.reason } : {}),
      ops,
      partials,
      largest,
    };
  });
  return {
    model: model.name,
    verdict: result.verdict,
    ...(result.reason ? { reason: result.reason } : {}),
    elapsedMs: result.elapsedMs,
    states,
    partitions,
    faults: [...(extras.faults ?? [])].sort((a, b) => a.time - b.time),
    ...(extras.title ? { title: extras.title } : {}),
  };
}

function replay<S, I, O>(
  model: Model<S, I, O>,
  operations: readonly Operation<I, O>[],
  sequence: readonly number[],
  failed: boolean,
  intern: (text: string) => number,
): ReportPartial {
  let state = model.init();
  const states = [intern(describeState(model, state))];
  for (const id of sequence) {
    const op = operations[id];
    const next = model.step(state, op.input, op.output);
    if (next === undefined)
      throw new Error(
        `internal error: a recorded linearizable prefix does not replay at operation ${id}`,
      );
    state = next;
    states.push(intern(describeState(model, state)));
  }
  const inPrefix = new Set(sequence);
  let stopTime = Infinity;
  operations.forEach((op, id) => {
    if (!inPrefix.has(id)) stopTime = Math.min(stopTime, op.return);
  });
  // Closed intervals: an op called at the earliest pending return could still have come next.
  const stuck: ReportPartial['stuck'] = [];
  if (failed) {
    operations.forEach((op, id) => {
      if (inPrefix.has(id) || op.call > stopTime) return;
      stuck.push({
        op: id,
        why: model.step(state, op.input, op.output) === undefined ? 'illegal' : 'dead end',
      });
    });
  }
  return {
    ops: [...sequence],
    states,
    stuck,
    stopTime: sequence.length === operations.length || !Number.isFinite(stopTime) ? null : stopTime,
  };
}
