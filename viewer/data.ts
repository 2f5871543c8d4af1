// What the run viewer draws, extracted from a run's trace: one lane per server (clients share one
// when there are many), each server's role and term over time, its crashes and restarts and who it
// was cut off from, every message from its send to its delivery and outcome (with its arguments
// and reply, abbreviated, when the trace kept RPC contents), the implementation's own log lines,
// the tester's steps and the failing check. A run too large to draw whole keeps a window that ends
// at the failure. Plain data (JSON in the page); the page's script draws it.
import type { TraceRecord } from '../engine/sim/trace';
import { rpcText } from '../engine/rpc/abbrev';
import { decode } from '../engine/codec';

/** A run as the viewer needs it: a RunResult with its trace (keepTrace, ideally keepRpcData). */
export interface ViewerRun {
  test: string;
  seed: number;
  passed: boolean;
  /** The check that failed (a RunResult's `check`). */
  check?: string;
  /** First line: the failure message; the rest: detail. */
  error?: string;
  /** Where the run stopped: the failure's virtual time. */
  virtualMs: number;
  trace: readonly TraceRecord[];
}

export interface ViewerOptions {
  /** The implementation graded (shown in the title). */
  impl?: string;
  /** More messages or log lines than these: draw only a window that ends at the failure. */
  maxMessages?: number;
  maxLogs?: number;
  /** How much of the run before the failure is in view when the page opens (ms). */
  openMs?: number;
}

export const ROLE = { follower: 0, candidate: 1, leader: 2, down: 3 } as const;
/** Message outcomes: a reply arrived, it was lost or failed (`why`), or nothing yet. */
export const OUTCOME = { reply: 0, drop: 1, none: 2 } as const;

export interface ViewerData {
  test: string;
  seed: number;
  impl?: string;
  passed: boolean;
  check?: string;
  message?: string;
  /** The failure's (or the run's end) virtual time, ms. */
  failAt: number;
  /** The drawn window, ms. */
  from: number;
  to: number;
  /** The view when the page opens, ms. */
  openFrom: number;
  /** Set when only a window of the run is drawn: says so in one line. */
  note?: string;
  /** Whether roles come from the harness's getState() observations. */
  roles: boolean;
  lanes: { name: string; label: string; server: boolean }[];
  /** Every text of the page once; the lists below refer to them by index. */
  strings: string[];
  /** Topics of messages and log lines, in the filter's order. */
  topics: string[];
  /** [lane, from, to, role (ROLE), term (-1: not seen yet)] */
  bands: number[][];
  /** [lane, from, to, text]: when a live server was cut off from others, and from whom. */
  cuts: number[][];
  /** [id, from lane, to lane, sent, delivered (-1: never), outcome time (-1), outcome (OUTCOME), method, topic, args, reply (-1), why (-1), from node, to node] */
  msgs: number[][];
  /** [lane, time, topic, text] */
  logs: number[][];
  /** [time, lane (-1: the run's row), kind, text]; kinds: test, net, partition, heal, crash, restart */
  events: number[][];
}

const GLOBAL_NODES = new Set(['test', 'tester', 'network', 'harness', 'checker']);
/** More client nodes than this share one lane. */
const CLIENT_LANES = 4;
const DEFAULT_MAX_MESSAGES = 4000;
const DEFAULT_MAX_LOGS = 4000;
const DEFAULT_OPEN_MS = 2000;
const ARGS_CHARS = 240;

const SEND = /^#(\d+) (\S+) -> (\S+) \d+B/;
const DELIVER = /^#(\d+) (\S+)/;
const DROP = /^#(\d+) (\S+): (.*)$/;
const LINK = /^(enable|disable) (\S+)->(\S+)$/;
const STATE = /^term (-?\d+)(, leader)?/;
const RAFT_ARGS = /(^|\.)(RequestVote|AppendEntries)$/;

interface Msg {
  id: number;
  method: string;
  from: string;
  to: string;
  sent: number;
  delivered: number;
  end: number;
  outcome: number;
  topic: string;
  /** The encoded arguments and reply, made text only for the messages drawn. */
  args: Uint8Array | undefined;
  reply: Uint8Array | undefined;
  replied: boolean;
  why: string | undefined;
}

/** The topic of a message, from its service and method (as the trace colours them). */
export function messageTopic(method: string, args: unknown): string {
  const [service, name = service] = method.split('.');
  if (service === 'Raft' || /^(RequestVote|PreVote|AppendEntries|InstallSnapshot)$/.test(name)) {
    if (/vote|elect/i.test(name)) return 'election';
    if (/snapshot/i.test(name)) return 'snapshot';
    if (/append|heartbeat/i.test(name)) {
      const entries = (args as { entries?: unknown } | undefined)?.entries;
      return Array.isArray(entries) && entries.length === 0 ? 'heartbeat' : 'append';
    }
    return 'rpc';
  }
  if (/ctrler/i.test(service)) return 'config';
  // A key/value operation (a clerk's), or the shards moving between groups.
  if (/^(Get|Put|Append|PutAppend)$/i.test(name)) return 'client';
  if (/shard/i.test(service)) return 'shard';
  return 'rpc';
}

function decoded(data: Uint8Array | undefined): unknown {
  if (data === undefined) return undefined;
  try {
    return decode(data);
  } catch {
    return undefined;
  }
}

function termOf(value: unknown): number | undefined {
  const term = (value as { term?: unknown } | undefined)?.term;
  return typeof term === 'number' ? term : undefined;
}

const naturalOrder = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
const peerLabel = (name: string) => (/^\d+$/.test(name) ? `S${name}` : name);
const round = (t: number) => Math.round(t * 1000) / 1000;

/** Per server: its role and term as the trace shows them, as segments. */
class Roles {
  private role = ROLE.follower as number;
  private term = -1;
  private candidateTerm: number | undefined;
  private candidateAt = -1;
  private since = 0;
  seen = false;
  readonly segments: [number, number, number, number][] = [];

  private set(t: number, role: number, term: number): void {
    if (role === this.role && term === this.term) return;
    // A state that lasted no time (replaced at the same instant) leaves no segment.
    if (t > this.since) this.segments.push([this.since, t, this.role, this.term]);
    this.since = t;
    this.role = role;
    this.term = term;
    const last = this.segments.at(-1);
    if (last && last[1] === t && last[2] === role && last[3] === term) {
      this.segments.pop();
      this.since = last[0];
    }
  }

  /** getState() changed: the harness's observation. */
  state(t: number, term: number, leader: boolean): void {
    this.seen = true;
    if (leader) return this.set(t, ROLE.leader, term);
    const candidate =
      this.role === ROLE.candidate &&
      (this.candidateTerm === undefined ? t === this.candidateAt : term <= this.candidateTerm);
    if (candidate) {
      this.candidateTerm ??= term;
      return this.set(t, ROLE.candidate, term);
    }
    this.set(t, ROLE.follower, term);
  }

  /** It asked for votes (RequestVote, not a pre-vote): a candidate in that term. */
  requestVote(t: number, term: number | undefined): void {
    if (this.role === ROLE.down) return;
    this.candidateTerm = term;
    this.candidateAt = t;
    this.set(t, ROLE.candidate, term ?? this.term);
  }

  /** A candidate that hears from a leader of its term or later goes back to follower. */
  heardLeader(t: number, term: number | undefined): void {
    if (this.role !== ROLE.candidate || term === undefined) return;
    if (this.candidateTerm !== undefined && term >= this.candidateTerm)
      this.set(t, ROLE.follower, this.term);
  }

  crash(t: number): void {
    this.set(t, ROLE.down, this.term);
  }

  start(t: number): void {
    if (this.role === ROLE.down) this.set(t, ROLE.follower, this.term);
  }

  finish(end: number): void {
    // The state it ended in, even if it began at the very end (a second leader, at the failure).
    if (end >= this.since) this.segments.push([this.since, end, this.role, this.term]);
  }
}

export function buildViewerData(run: ViewerRun, options: ViewerOptions = {}): ViewerData {
  const records = run.trace;
  const end = Math.max(run.virtualMs, records.at(-1)?.time ?? 0);
  // Lanes: servers are the nodes that receive calls or whose state the harness watched.
  const serverNodes = new Set<string>();
  const allNodes = new Set<string>();
  for (const r of records) {
    if (GLOBAL_NODES.has(r.node)) continue;
    allNodes.add(r.node);
    if (r.kind === 'deliver' || r.kind === 'state') serverNodes.add(r.node);
  }
  const servers = [...serverNodes].sort(naturalOrder);
  const clients = [...allNodes].filter((n) => !serverNodes.has(n)).sort(naturalOrder);
  const lanes: ViewerData['lanes'] = servers.map((n) => ({
    name: n,
    label: peerLabel(n),
    server: true,
  }));
  const laneOf = new Map<string, number>(servers.map((n, i) => [n, i]));
  if (clients.length > CLIENT_LANES) {
    lanes.push({ name: 'clients', label: `${clients.length} clients`, server: false });
    for (const c of clients) laneOf.set(c, lanes.length - 1);
  } else {
    for (const c of clients) {
      laneOf.set(c, lanes.length);
      lanes.push({ name: c, label: peerLabel(c), server: false });
    }
  }
  const byLabel = new Map(servers.map((n) => [peerLabel(n), n]));

  const roles = new Map(servers.map((n) => [n, new Roles()]));
  const msgs = new Map<number, Msg>();
  const allMsgs: Msg[] = [];
  const logs: { node: string; t: number; topic: string; text: string }[] = [];
  const events: { t: number; node: string | undefined; kind: string; text: string }[] = [];
  // Connectivity: server -> servers it has no link to, or from; recomputed after each batch.
  const links = new Map<string, boolean>();
  const down = new Set<string>();
  let netDirty = false;
  let netAt = 0;
  let lastPartition = '';
  const cutSince = new Map<string, { t: number; text: string }>();
  const cuts: { node: string; from: number; to: number; text: string }[] = [];

  const settleNet = (t: number) => {
    netDirty = false;
    const live = servers.filter((s) => !down.has(s));
    const reach = (a: string, b: string) =>
      links.get(`${a}>${b}`) !== false && links.get(`${b}>${a}`) !== false;
    for (const s of servers) {
      const text = down.has(s)
        ? ''
        : live
            .filter((o) => o !== s && !reach(s, o))
            .map(peerLabel)
            .join(' ');
      const open = cutSince.get(s);
      if (open && open.text === text) continue;
      if (open && open.text !== '') cuts.push({ node: s, from: open.t, to: t, text: open.text });
      cutSince.set(s, { t, text });
    }
    // Components of the live servers over links that work both ways.
    const seen = new Set<string>();
    const groups: string[][] = [];
    for (const s of live) {
      if (seen.has(s)) continue;
      const group: string[] = [];
      const stack = [s];
      seen.add(s);
      while (stack.length > 0) {
        const a = stack.pop()!;
        group.push(a);
        for (const b of live)
          if (!seen.has(b) && reach(a, b)) {
            seen.add(b);
            stack.push(b);
          }
      }
      groups.push(group.sort(naturalOrder));
    }
    groups.sort((a, b) => b.length - a.length || naturalOrder(a[0], b[0]));
    const text = groups.length > 1 ? groups.map((g) => g.map(peerLabel).join(' ')).join(' | ') : '';
    if (text !== lastPartition) {
      if (text) events.push({ t, node: undefined, kind: 'partition', text: `partition ${text}` });
      else if (lastPartition)
        events.push({
          t,
          node: undefined,
          kind: 'heal',
          text: 'healed: all live servers connected',
        });
      lastPartition = text;
    }
  };

  for (const r of records) {
    if (netDirty && r.time !== netAt) settleNet(netAt);
    switch (r.kind) {
      case 'send': {
        const m = SEND.exec(r.detail);
        if (!m) break;
        // Decoded only where what the viewer draws depends on it: heartbeats, candidates' terms.
        const args = RAFT_ARGS.test(m[2]) ? decoded(r.data) : undefined;
        const msg: Msg = {
          id: Number(m[1]),
          method: m[2],
          from: r.node,
          to: m[3],
          sent: r.time,
          delivered: -1,
          end: -1,
          outcome: OUTCOME.none,
          topic: messageTopic(m[2], args),
          args: r.data,
          reply: undefined,
          replied: false,
          why: undefined,
        };
        msgs.set(msg.id, msg);
        allMsgs.push(msg);
        if (/(^|\.)RequestVote$/.test(msg.method))
          roles.get(r.node)?.requestVote(r.time, termOf(args));
        break;
      }
      case 'deliver': {
        const m = DELIVER.exec(r.detail);
        const msg = m ? msgs.get(Number(m[1])) : undefined;
        if (!msg) break;
        msg.delivered = r.time;
        msg.to = r.node;
        if (/append|snapshot|heartbeat/i.test(msg.method))
          roles.get(r.node)?.heardLeader(r.time, termOf(decoded(r.data)));
        break;
      }
      case 'reply': {
        const m = DELIVER.exec(r.detail);
        const msg = m ? msgs.get(Number(m[1])) : undefined;
        if (!msg) break;
        msg.end = r.time;
        msg.outcome = OUTCOME.reply;
        msg.reply = r.data;
        msg.replied = true;
        const why = /\(([^)]*)\)$/.exec(r.detail);
        if (why) msg.why = why[1];
        break;
      }
      case 'drop': {
        const m = DROP.exec(r.detail);
        const msg = m ? msgs.get(Number(m[1])) : undefined;
        if (!msg) break;
        msg.end = r.time;
        msg.outcome = OUTCOME.drop;
        msg.why = m![3];
        break;
      }
      case 'state': {
        const m = STATE.exec(r.detail);
        if (m) roles.get(r.node)?.state(r.time, Number(m[1]), Boolean(m[2]));
        break;
      }
      case 'crash':
        down.add(r.node);
        roles.get(r.node)?.crash(r.time);
        if (laneOf.has(r.node) && serverNodes.has(r.node))
          events.push({ t: r.time, node: r.node, kind: 'crash', text: `crash (${r.detail})` });
        netDirty = true;
        netAt = r.time;
        break;
      case 'start': {
        down.delete(r.node);
        roles.get(r.node)?.start(r.time);
        const restart = !/incarnation 1$/.test(r.detail);
        if (restart && serverNodes.has(r.node))
          events.push({ t: r.time, node: r.node, kind: 'restart', text: `restart (${r.detail})` });
        netDirty = true;
        netAt = r.time;
        break;
      }
      case 'net': {
        const m = LINK.exec(r.detail);
        if (m) {
          const a = byLabel.get(m[2]);
          const b = byLabel.get(m[3]);
          if (a !== undefined && b !== undefined && a !== b) {
            links.set(`${a}>${b}`, m[1] === 'enable');
            netDirty = true;
            netAt = r.time;
          }
        } else events.push({ t: r.time, node: undefined, kind: 'net', text: r.detail });
        break;
      }
      case 'log':
      case 'console':
        if (laneOf.has(r.node))
          logs.push({
            node: r.node,
            t: r.time,
            topic: r.kind === 'console' ? 'console' : (r.topic ?? 'info'),
            text:
              laneOf.get(r.node)! >= servers.length && clients.length > CLIENT_LANES
                ? `${r.node}: ${r.detail}`
                : r.detail,
          });
        break;
      case 'test':
        events.push({ t: r.time, node: undefined, kind: 'test', text: r.detail });
        break;
      case 'timer':
        if (/elect/i.test(r.detail) && laneOf.has(r.node))
          logs.push({ node: r.node, t: r.time, topic: 'timer', text: `timer: ${r.detail}` });
        break;
    }
  }
  if (netDirty) settleNet(netAt);
  for (const [node, open] of cutSince)
    if (open.text !== '') cuts.push({ node, from: open.t, to: end, text: open.text });
  for (const r of roles.values()) r.finish(end);

  // The window: everything, or the latest part that fits, ending at the failure.
  const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
  let from = 0;
  if (allMsgs.length > maxMessages) from = allMsgs[allMsgs.length - maxMessages].sent;
  if (logs.length > maxLogs) from = Math.max(from, logs[logs.length - maxLogs].t);
  const whole = allMsgs.length <= maxMessages && logs.length <= maxLogs;
  const keptMsgs = whole ? allMsgs : allMsgs.filter((m) => m.sent >= from);
  const keptLogs = whole ? logs : logs.filter((l) => l.t >= from);

  const strings: string[] = [];
  const index = new Map<string, number>();
  const s = (text: string) => {
    let i = index.get(text);
    if (i === undefined) {
      i = strings.length;
      strings.push(text);
      index.set(text, i);
    }
    return i;
  };
  const topicOrder = [
    'election',
    'heartbeat',
    'append',
    'snapshot',
    'apply',
    'persist',
    'client',
    'config',
    'shard',
    'rpc',
    'timer',
    'info',
    'console',
  ];
  const topicSet = new Set([...keptMsgs.map((m) => m.topic), ...keptLogs.map((l) => l.topic)]);
  const topics = [
    ...topicOrder.filter((t) => topicSet.has(t)),
    ...[...topicSet].filter((t) => !topicOrder.includes(t)).sort(),
  ];
  const topicIndex = new Map(topics.map((t, i) => [t, i]));
  const lane = (node: string) => laneOf.get(node) ?? -1;
  const clip = (t: number) => round(Math.max(t, from));

  const bands: number[][] = [];
  for (const [node, r] of roles) {
    // Without the harness's observations only what the trace itself shows: candidates, crashes.
    for (const [a, b, role, term] of r.segments)
      if (b > from && (r.seen || role === ROLE.candidate || role === ROLE.down))
        bands.push([lane(node), clip(a), round(b), role, term]);
  }
  const errorLines = (run.error ?? '').split('\n');
  return {
    test: run.test,
    seed: run.seed,
    ...(options.impl !== undefined ? { impl: options.impl } : {}),
    passed: run.passed,
    ...(run.check !== undefined ? { check: run.check } : {}),
    ...(run.error !== undefined ? { message: errorLines[0] } : {}),
    failAt: round(end),
    from: round(from),
    to: round(end),
    openFrom: round(Math.max(from, end - (options.openMs ?? DEFAULT_OPEN_MS))),
    ...(whole ? {} : { note: windowNote(allMsgs.length, keptMsgs.length, from, end) }),
    roles: [...roles.values()].some((r) => r.seen),
    lanes,
    strings,
    topics,
    bands,
    cuts: cuts
      .filter((c) => c.to > from)
      .map((c) => [lane(c.node), clip(c.from), round(c.to), s(c.text)]),
    msgs: keptMsgs.map((m) => [
      m.id,
      lane(m.from),
      lane(m.to),
      round(m.sent),
      round(m.delivered),
      round(m.end),
      m.outcome,
      s(m.method),
      topicIndex.get(m.topic)!,
      s(rpcText(m.args, ARGS_CHARS) ?? ''),
      m.replied ? s(rpcText(m.reply, ARGS_CHARS) ?? '(not kept)') : -1,
      m.why === undefined ? -1 : s(m.why),
      s(m.from),
      s(m.to),
    ]),
    logs: keptLogs.map((l) => [lane(l.node), round(l.t), topicIndex.get(l.topic)!, s(l.text)]),
    events: events
      .filter((e) => e.t >= from)
      .map((e) => [round(e.t), e.node === undefined ? -1 : lane(e.node), s(e.kind), s(e.text)]),
  };
}

function windowNote(total: number, kept: number, from: number, end: number): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  const n = (k: number) => k.toLocaleString('en-US');
  return (
    `This run is too large to draw whole (${n(total)} messages in ${s(end)}): drawn are its last ` +
    `${s(end - from)}, from ${s(from)} to the end at ${s(end)} (${n(kept)} messages).`
  );
}
