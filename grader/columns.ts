// Trace rendering for `grade replay`: one line per record (--trace), or one column per node
// (--columns), coloured by topic, in the manner of the 6.824 community's log pretty-printer. A
// record's topic is the implementation's own (runtime.log) or is inferred from what it is: an RPC
// by its method, a timer by its label, a crash, a partition or a lost message by its kind.
import chalk, { type ChalkInstance } from 'chalk';
import { formatRecord, type TraceKind, type TraceRecord } from '../engine/sim/trace';
import { rpcText } from '../engine/rpc/abbrev';
import { visibleLength } from './table';

export const TRACE_KINDS: readonly TraceKind[] = [
  'send',
  'deliver',
  'reply',
  'drop',
  'timer',
  'crash',
  'start',
  'net',
  'log',
  'console',
  'test',
  'state',
];

/** How records are shown: with RPC arguments and replies (--rpc) or without. */
export interface View {
  rpc: boolean;
}

const COLOURS: Record<string, ChalkInstance> = {
  election: chalk.yellow,
  append: chalk.cyan,
  apply: chalk.green,
  snapshot: chalk.magenta,
  persist: chalk.blue,
  drop: chalk.gray,
  partition: chalk.redBright,
  crash: chalk.red.bold,
  client: chalk.whiteBright,
  server: chalk.white,
  config: chalk.blueBright,
  shard: chalk.magentaBright,
  rpc: chalk.dim,
  timer: chalk.dim,
  test: chalk.bold,
  info: chalk.reset,
  console: chalk.bgYellow.black,
};

/** Topics with a colour of their own (an implementation may log under others too). */
export const TOPICS: readonly string[] = Object.keys(COLOURS);

/** Nodes whose records span the whole width rather than a column of their own. */
const GLOBAL_NODES = new Set(['test', 'tester', 'network', 'harness', 'checker']);

export function topicOf(r: TraceRecord): string {
  switch (r.kind) {
    case 'log':
      return r.topic ?? 'info';
    case 'crash':
    case 'start':
      return 'crash';
    case 'net':
      return 'partition';
    case 'drop':
      return 'drop';
    case 'test':
      return 'test';
    case 'console':
      return 'console';
    case 'state':
      return 'election';
    case 'timer':
      return byName(r.detail) ?? 'timer';
    default:
      return byName(r.detail) ?? 'rpc';
  }
}

function byName(detail: string): string | undefined {
  if (/vote|elect/i.test(detail)) return 'election';
  if (/append|heartbeat/i.test(detail)) return 'append';
  if (/snapshot/i.test(detail)) return 'snapshot';
  if (/apply/i.test(detail)) return 'apply';
  if (/persist/i.test(detail)) return 'persist';
  return undefined;
}

export function colour(topic: string, text: string): string {
  return (COLOURS[topic] ?? chalk.reset)(text);
}

export function legend(): string {
  return [
    'election',
    'append',
    'apply',
    'snapshot',
    'persist',
    'drop',
    'partition',
    'crash',
    'client',
    'config',
    'shard',
    'console',
  ]
    .map((t) => colour(t, t))
    .join(' ');
}

/** One coloured line per record. */
export function traceLine(r: TraceRecord, view: View = { rpc: false }): string {
  return colour(topicOf(r), formatRecord(r) + rpcSuffix(r, view));
}

function rpcSuffix(r: TraceRecord, view: View): string {
  const text = view.rpc ? rpcText(r.data) : undefined;
  return text ? ` ${text}` : '';
}

const GLYPH: Record<TraceKind, string> = {
  send: '> ',
  deliver: '< ',
  reply: '= ',
  drop: 'x ',
  timer: '@ ',
  crash: '!! crash ',
  start: '** start ',
  net: '~ ',
  log: '',
  console: 'console: ',
  test: '',
  state: 'getState() ',
};

function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}

/** Renders records in one column per node; global records (the test, the network) span the width. */
export function renderColumns(
  all: readonly TraceRecord[],
  width: number,
  view: View = { rpc: false },
): string[] {
  const records = joinLinkChanges(all);
  const nodes = [
    ...new Set(records.filter((r) => !GLOBAL_NODES.has(r.node)).map((r) => r.node)),
  ].sort(naturalOrder);
  const timeW = 11;
  const colW = Math.max(14, Math.floor((width - timeW) / Math.max(1, nodes.length)) - 2);
  const sep = chalk.dim('│');
  const blank = ' '.repeat(colW);
  const out: string[] = [legend(), ''];
  out.push(
    (
      ' '.repeat(timeW) +
      nodes.map((n) => pad(n.length > colW ? n.slice(0, colW) : n, colW)).join(` ${sep} `)
    ).trimEnd(),
  );
  out.push(' '.repeat(timeW) + nodes.map(() => '─'.repeat(colW)).join('─┼─'));
  let lastTime = -1;
  for (const r of records) {
    const time =
      r.time === lastTime
        ? ' '.repeat(timeW)
        : chalk.dim(`${(r.time / 1000).toFixed(3).padStart(9)}s `);
    lastTime = r.time;
    const topic = topicOf(r);
    const text = `${GLYPH[r.kind]}${r.detail}${rpcSuffix(r, view)}`;
    const col = nodes.indexOf(r.node);
    if (col < 0) {
      const who = r.node === 'test' || r.kind === 'test' ? '' : `${r.node}: `;
      out.push(time + colour(topic, `── ${who}${text} ──`));
      continue;
    }
    wrap(text, colW).forEach((piece, i) => {
      const cells = nodes.map((_, j) => (j === col ? colour(topic, pad(piece, colW)) : blank));
      out.push(((i === 0 ? time : ' '.repeat(timeW)) + cells.join(` ${sep} `)).trimEnd());
    });
  }
  return out;
}

/**
 * A fixture connects a server with one enable per link: consecutive link changes of one node at
 * one time become one record ("enable S0->S1 S0->S2"), so they take one line, not n.
 */
function joinLinkChanges(records: readonly TraceRecord[]): TraceRecord[] {
  const out: TraceRecord[] = [];
  for (const r of records) {
    const m = r.kind === 'net' ? /^(enable|disable) (\S+)$/.exec(r.detail) : null;
    const prev = out.at(-1);
    if (
      m &&
      prev &&
      prev.kind === 'net' &&
      prev.time === r.time &&
      prev.node === r.node &&
      prev.detail.startsWith(`${m[1]} `)
    ) {
      out[out.length - 1] = { ...prev, detail: `${prev.detail} ${m[2]}` };
    } else out.push(r);
  }
  return out;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

function wrap(text: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut < width / 2) cut = width;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(rest);
  return pieces;
}
