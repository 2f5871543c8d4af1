// Reading histories from text: our own JSON Lines format (README.md beside this file) and the two
// fixture formats of porcupine's test data (etcd Jepsen logs, EDN-like key/value logs). The format
// is detected from the first non-blank line; each implies a model.
import { eventsToOperations, type HistoryEvent, type Operation } from './model';
import type { CasInput, CasOutput } from './models/cas-register';
import type { KvInput, KvOutput } from './models/kv';

export type FormatName = 'jsonl' | 'jepsen' | 'kv-edn';
export type ModelName = 'kv' | 'cas-register';

export interface ParsedHistory {
  format: FormatName;
  /** The model the format implies (or, for JSON Lines, its header names). */
  model: ModelName;
  operations: Operation<unknown, unknown>[];
}

/** Malformed input: names the line (1-based) when there is one. */
export class HistoryFormatError extends Error {
  override name = 'HistoryFormatError';
  constructor(
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(line === undefined ? detail : `line ${line}: ${detail}`);
  }
}

export const JSONL_HEADER = 'dslab-history/1';

/** `model` overrides the one the content implies (and the JSON Lines header's). */
export function parseHistory(text: string, model?: ModelName): ParsedHistory {
  // Lines end at \n alone (faster than a pattern): a \r left at a line's end is white space to every
  // line format below.
  let first = 1;
  let head = '';
  for (let start = 0; start < text.length && head === ''; first++) {
    const end = lineEnd(text, start);
    head = text.slice(start, end).trim();
    start = end + 1;
  }
  if (head === '') throw new HistoryFormatError(undefined, 'empty file: no history');
  first--;
  if (/^INFO\s+jepsen\.util\b/.test(head))
    return {
      format: 'jepsen',
      model: model ?? 'cas-register',
      operations: parseJepsen(text.split('\n')),
    };
  if (head.startsWith('{:'))
    return { format: 'kv-edn', model: model ?? 'kv', operations: parseKvEdn(text) };
  if (head.startsWith('{')) return parseJsonl(text.split('\n'), model);
  throw new HistoryFormatError(
    first,
    'unrecognized format (expected JSON Lines, a Jepsen etcd log or an EDN key/value log)',
  );
}

/**
 * Pairs invokes with completions by process, as the fixture formats require, straight into
 * operations: times are event positions (as eventsToOperations gives), and a call still open at
 * the end never returned: its outcome is unknown.
 */
class ProcessPairing<I, O> {
  readonly operations: Operation<unknown, unknown>[] = [];
  private readonly open = new Map<number, Operation<I, O>>();
  private readonly openLine = new Map<number, number>();
  private time = 0;

  call(process: number, input: I, line: number): void {
    const pending = this.openLine.get(process);
    if (pending !== undefined)
      throw new HistoryFormatError(
        line,
        `process ${process} invokes again while its call on line ${pending} is open`,
      );
    const op: Operation<I, O> = {
      clientId: process,
      input,
      call: this.time++,
      output: undefined,
      return: Infinity,
    };
    this.open.set(process, op);
    this.openLine.set(process, line);
    this.operations.push(op as Operation<unknown, unknown>);
  }

  complete(process: number, output: O, line: number): void {
    const op = this.open.get(process);
    if (!op)
      throw new HistoryFormatError(
        line,
        `process ${process} completes an operation it never invoked`,
      );
    this.open.delete(process);
    this.openLine.delete(process);
    op.output = output;
    op.return = this.time++;
  }
}

/** Where the line starting at `start` ends: its \n, or the end of the text. */
function lineEnd(text: string, start: number): number {
  const end = text.indexOf('\n', start);
  return end < 0 ? text.length : end;
}

/** Text [start, end) is only white space (cheap for the usual line, which starts with a visible character). */
function blank(text: string, start: number, end: number): boolean {
  return start === end || (text.charCodeAt(start) <= 32 && text.slice(start, end).trim() === '');
}

const JEPSEN_LINE =
  /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(nil|\d+|\[\d+\s+\d+\]|:timed-out)\s*$/;

function parseJepsen(lines: string[]): Operation<unknown, unknown>[] {
  const pairing = new ProcessPairing<CasInput, CasOutput>();
  lines.forEach((raw, i) => {
    const text = raw.trim();
    if (text === '') return;
    const line = i + 1;
    const m = JEPSEN_LINE.exec(text);
    if (!m)
      throw new HistoryFormatError(line, `not a Jepsen etcd log line: ${JSON.stringify(text)}`);
    const process = Number(m[1]);
    const [type, f, value] = [m[2], m[3], m[4]];
    const int = /^\d+$/.test(value) ? Number(value) : undefined;
    const pair = /^\[(\d+)\s+(\d+)\]$/.exec(value);
    const bad = () =>
      new HistoryFormatError(
        line,
        `unexpected Jepsen operation ${JSON.stringify(`:${type} :${f} ${value}`)}`,
      );
    if (type === 'info') return; // outcome unknown: the call stays open
    if (type === 'invoke') {
      if (f === 'read' && value === 'nil') pairing.call(process, { op: 'read' }, line);
      else if (f === 'write' && int !== undefined)
        pairing.call(process, { op: 'write', arg1: int }, line);
      else if (f === 'cas' && pair)
        pairing.call(process, { op: 'cas', arg1: Number(pair[1]), arg2: Number(pair[2]) }, line);
      else throw bad();
    } else if (f === 'read') {
      if (type === 'ok' && value === 'nil') pairing.complete(process, { exists: false }, line);
      else if (type === 'ok' && int !== undefined)
        pairing.complete(process, { exists: true, value: int }, line);
      else if (type === 'fail' && value === ':timed-out')
        pairing.complete(process, { unknown: true }, line);
      else throw bad();
    } else if (f === 'write' && type === 'ok' && int !== undefined) {
      pairing.complete(process, {}, line);
    } else if (f === 'cas' && pair) {
      pairing.complete(process, { ok: type === 'ok' }, line);
    } else {
      throw bad();
    }
  });
  return pairing.operations;
}

const KV_EDN_LINE =
  /\{:process (\d+), :type :(invoke|ok), :f :(get|put|append|delete), :key "([^"]*)", :value (nil|"[^"]*")\}/;

/** The operation name at `i` (by its first letter: no closure or search per line), if it is one. */
function ednOp(raw: string, i: number): KvInput['op'] | undefined {
  const f = EDN_OP_BY_LETTER[raw.charCodeAt(i) - 97];
  return f !== undefined && raw.startsWith(f, i) ? f : undefined;
}

/** The fields of one EDN line, filled by scanKvEdn (one object, reused: no allocation per line). */
const ednLine = {
  process: 0,
  invoke: false,
  f: 'get' as KvInput['op'],
  key: '',
  value: undefined as string | undefined,
};
const EDN_OPS: KvInput['op'][] = ['get', 'put', 'append', 'delete'];
/** EDN_OPS by first letter - 'a' (each starts with a different letter). */
const EDN_OP_BY_LETTER: (KvInput['op'] | undefined)[] = Array.from({ length: 26 }, (_, c) =>
  EDN_OPS.find((name) => name.charCodeAt(0) === 97 + c),
);

/**
 * Reads a line in the layout KV_EDN_LINE matches, from its first character, into ednLine; false if
 * it is not exactly that (the pattern then decides). Where it succeeds, the pattern would match
 * the same fields: it reads them by the same rules, without the pattern's cost per line.
 */
function scanKvEdn(text: string, start: number, end: number): boolean {
  if (!text.startsWith('{:process ', start)) return false;
  // The literals hold no newline, so none matches across the line's end; a quote searched for
  // must be found before it.
  let i = start + 10;
  let process = 0;
  const digits = i;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57 && i - digits < 15; c = text.charCodeAt(++i))
    process = process * 10 + (c - 48);
  if (i === digits || !text.startsWith(', :type :', i)) return false;
  i += 9;
  if (text.startsWith('invoke, :f :', i)) {
    ednLine.invoke = true;
    i += 12;
  } else if (text.startsWith('ok, :f :', i)) {
    ednLine.invoke = false;
    i += 8;
  } else {
    return false;
  }
  const f = ednOp(text, i);
  if (f === undefined || !text.startsWith(', :key "', i + f.length)) return false;
  i += f.length + 8;
  const keyEnd = text.indexOf('"', i);
  if (keyEnd < 0 || keyEnd >= end || !text.startsWith(', :value ', keyEnd + 1)) return false;
  ednLine.key = text.slice(i, keyEnd);
  i = keyEnd + 10;
  if (text.startsWith('nil}', i)) {
    ednLine.value = undefined;
  } else {
    const valueEnd = text.charCodeAt(i) === 34 ? text.indexOf('"', i + 1) : -1;
    if (valueEnd < 0 || valueEnd >= end || text.charCodeAt(valueEnd + 1) !== 125) return false;
    ednLine.value = text.slice(i + 1, valueEnd);
  }
  ednLine.process = process;
  ednLine.f = f;
  return true;
}

/** The pattern's reading of a line into ednLine (any layout it matches); throws if none. */
function matchKvEdn(raw: string, line: number): void {
  const m = KV_EDN_LINE.exec(raw);
  if (!m)
    throw new HistoryFormatError(
      line,
      `not an EDN key/value log line: ${JSON.stringify(raw.trim())}`,
    );
  ednLine.process = Number(m[1]);
  ednLine.invoke = m[2] === 'invoke';
  ednLine.f = m[3] as KvInput['op'];
  ednLine.key = m[4];
  ednLine.value = m[5] === 'nil' ? undefined : m[5].slice(1, -1);
}

/** Reads the text line by line without splitting it (the lines' strings were most of the garbage a large log made). */
function parseKvEdn(text: string): Operation<unknown, unknown>[] {
  const pairing = new ProcessPairing<KvInput, KvOutput>();
  for (let start = 0, line = 1; start <= text.length; line++) {
    const end = lineEnd(text, start);
    const at = start;
    start = end + 1;
    if (blank(text, at, end)) continue;
    if (!scanKvEdn(text, at, end)) matchKvEdn(text.slice(at, end), line);
    const { process, f, key, value } = ednLine;
    if (ednLine.invoke) {
      if ((f === 'put' || f === 'append') && value === undefined)
        throw new HistoryFormatError(line, `${f} of nil`);
      pairing.call(
        process,
        f === 'put' || f === 'append' ? { op: f, key, value: value! } : { op: f, key },
        line,
      );
    } else {
      pairing.complete(process, f === 'get' ? { value: value ?? '' } : {}, line);
    }
  }
  return pairing.operations;
}

/** For the specs: the fast reading of one EDN line, or undefined where the pattern decides. */
export function scanKvEdnLine(raw: string): typeof ednLine | undefined {
  return scanKvEdn(raw, 0, raw.length) ? { ...ednLine } : undefined;
}

/** For the specs: the pattern's reading of one EDN line, or undefined if it does not match. */
export function matchKvEdnLine(raw: string): typeof ednLine | undefined {
  try {
    matchKvEdn(raw, 0);
  } catch {
    return undefined;
  }
  return { ...ednLine };
}

function parseJsonl(lines: string[], override: ModelName | undefined): ParsedHistory {
  let model: ModelName = override ?? 'kv';
  const operations: Operation<unknown, unknown>[] = [];
  const events: HistoryEvent<unknown, unknown>[] = [];
  const eventLines: number[] = [];
  let sawHeader = false;
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (e) {
      throw new HistoryFormatError(line, `invalid JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!isObject(record)) throw new HistoryFormatError(line, 'expected a JSON object');
    if ('history' in record) {
      if (sawHeader || operations.length + events.length > 0)
        throw new HistoryFormatError(line, 'the header must be the first line');
      if (record.history !== JSONL_HEADER)
        throw new HistoryFormatError(
          line,
          `unknown history version ${JSON.stringify(record.history)} (expected "${JSONL_HEADER}")`,
        );
      if (record.model !== undefined && record.model !== 'kv' && record.model !== 'cas-register') {
        throw new HistoryFormatError(
          line,
          `unknown model ${JSON.stringify(record.model)} (expected "kv" or "cas-register")`,
        );
      }
      model = override ?? (record.model as ModelName | undefined) ?? 'kv';
      sawHeader = true;
      return;
    }
    const fail = (what: string): never => {
      throw new HistoryFormatError(line, what);
    };
    const [inputProblem, outputProblem] =
      model === 'kv' ? [kvInputProblem, kvOutputProblem] : [casInputProblem, casOutputProblem];
    if (!Number.isInteger(record.clientId) || (record.clientId as number) < 0)
      fail('"clientId" must be a non-negative integer');
    if ('kind' in record) {
      if (operations.length > 0) fail('an event in a history of operations');
      if (record.kind !== 'call' && record.kind !== 'return')
        fail('"kind" must be "call" or "return"');
      if (typeof record.id !== 'number' && typeof record.id !== 'string')
        fail('"id" must be a number or a string');
      const problem =
        record.kind === 'call' ? inputProblem(record.value) : outputProblem(record.value);
      if (problem) fail(`"value": ${problem}`);
      events.push({
        clientId: record.clientId as number,
        kind: record.kind as 'call' | 'return',
        id: record.id as number,
        value: record.value,
      });
      eventLines.push(line);
      return;
    }
    if (events.length > 0) fail('an operation in a history of events');
    const problem = inputProblem(record.input);
    if (problem) fail(`"input": ${problem}`);
    if (typeof record.call !== 'number') fail('"call" must be a number');
    const returned = record.return !== undefined && record.return !== null;
    if (returned && typeof record.return !== 'number')
      fail('"return" must be a number, or null for an operation that never returned');
    if (returned && (record.return as number) < (record.call as number))
      fail('"return" is before "call"');
    const outProblem = returned ? outputProblem(record.output) : undefined;
    if (outProblem) fail(`"output": ${outProblem}`);
    operations.push({
      clientId: record.clientId as number,
      input: record.input,
      call: record.call as number,
      output: returned ? record.output : undefined,
      return: returned ? (record.return as number) : Infinity,
    });
  });
  if (events.length > 0) {
    try {
      return { format: 'jsonl', model, operations: eventsToOperations(events) };
    } catch (e) {
      const position = Number(/^event (\d+)/.exec((e as Error).message)?.[1]);
      throw new HistoryFormatError(
        eventLines[position],
        (e as Error).message.replace(/^event \d+: /, ''),
      );
    }
  }
  return { format: 'jsonl', model, operations };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function kvInputProblem(input: unknown): string | undefined {
  if (!isObject(input)) return 'a kv input must be an object';
  if (!['get', 'put', 'append', 'delete'].includes(input.op as string))
    return 'a kv "op" must be get, put, append or delete';
  if (typeof input.key !== 'string') return 'a kv "key" must be a string';
  if ((input.op === 'put' || input.op === 'append') && typeof input.value !== 'string')
    return `a kv ${input.op} needs a string "value"`;
  return undefined;
}

export function casInputProblem(input: unknown): string | undefined {
  if (!isObject(input)) return 'a cas-register input must be an object';
  if (!['read', 'write', 'cas'].includes(input.op as string))
    return 'a cas-register "op" must be read, write or cas';
  if (input.op !== 'read' && !Number.isInteger(input.arg1))
    return `a cas-register ${input.op} needs an integer "arg1"`;
  if (input.op === 'cas' && !Number.isInteger(input.arg2))
    return 'a cas-register cas needs an integer "arg2"';
  return undefined;
}

function kvOutputProblem(output: unknown): string | undefined {
  if (!isObject(output)) return 'a kv output must be an object ({} for put, append, delete)';
  if (output.value !== undefined && typeof output.value !== 'string')
    return 'a kv output "value" must be a string';
  return undefined;
}

function casOutputProblem(output: unknown): string | undefined {
  if (!isObject(output)) return 'a cas-register output must be an object';
  if (output.value !== undefined && !Number.isInteger(output.value))
    return 'a cas-register output "value" must be an integer';
  return undefined;
}

/** Our JSON Lines format: a header line, then one operation per line. */
export function formatHistoryJsonl(
  model: ModelName,
  operations: readonly Operation<unknown, unknown>[],
): string {
  const lines = [JSON.stringify({ history: JSONL_HEADER, model })];
  for (const op of operations) {
    const returned = Number.isFinite(op.return);
    lines.push(
      JSON.stringify({
        clientId: op.clientId,
        input: op.input,
        call: op.call,
        ...(returned ? { output: op.output, return: op.return } : { return: null }),
      }),
    );
  }
  return lines.join('\n') + '\n';
}
