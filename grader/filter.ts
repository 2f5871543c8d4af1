// The filters of `grade replay` (--only kinds, --topics, --nodes, --from/--to), and what they did
// not match: a filter that matches nothing says so instead of printing nothing without a word.
import type { TraceKind, TraceRecord } from '../engine/sim/trace';
import { topicOf } from './columns';

export interface FilterOptions {
  /** Only these kinds of records. */
  only?: ReadonlySet<TraceKind>;
  /** Only records of these topics (an implementation's runtime.log topic, or the one a record is shown in). */
  topics?: ReadonlySet<string>;
  /** Only these nodes (and the test's own lines). */
  nodes?: ReadonlySet<string>;
  fromMs?: number;
  toMs?: number;
}

export class TraceFilter {
  private readonly kinds = new Set<string>();
  private readonly topicsSeen = new Set<string>();
  private readonly nodesSeen = new Set<string>();
  private lastMs = 0;
  shown = 0;

  constructor(private readonly o: FilterOptions) {}

  get active(): boolean {
    return Boolean(
      this.o.only ||
      this.o.topics ||
      this.o.nodes ||
      this.o.fromMs !== undefined ||
      this.o.toMs !== undefined,
    );
  }

  wants(r: TraceRecord): boolean {
    const topic = topicOf(r);
    this.kinds.add(r.kind);
    this.topicsSeen.add(topic);
    this.nodesSeen.add(r.node);
    this.lastMs = r.time;
    const o = this.o;
    const ok =
      (!o.only || o.only.has(r.kind)) &&
      (!o.topics || r.kind === 'test' || o.topics.has(topic)) &&
      (!o.nodes || r.kind === 'test' || o.nodes.has(r.node)) &&
      (o.fromMs === undefined || r.time >= o.fromMs) &&
      (o.toMs === undefined || r.time <= o.toMs);
    if (ok && r.kind !== 'test') this.shown++;
    return ok;
  }

  /** One line per filter that matched nothing in this run, with what the run does have. */
  notices(): string[] {
    const o = this.o;
    const out: string[] = [];
    const list = (s: Set<string>) =>
      [...s].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).join(', ');
    const missing = (wanted: ReadonlySet<string> | undefined, seen: Set<string>) =>
      [...(wanted ?? [])].filter((x) => !seen.has(x));
    const nodes = missing(o.nodes, this.nodesSeen);
    if (nodes.length > 0)
      out.push(
        `--nodes ${nodes.join(',')}: no such node in this run (its nodes: ${list(this.nodesSeen)})`,
      );
    const topics = missing(o.topics, this.topicsSeen);
    if (topics.length > 0)
      out.push(
        `--topics ${topics.join(',')}: no record of ${topics.length === 1 ? 'this topic' : 'these topics'} in this run (its topics: ${list(this.topicsSeen)})`,
      );
    const kinds = missing(o.only, this.kinds);
    if (kinds.length > 0)
      out.push(
        `--only ${kinds.join(',')}: no record of ${kinds.length === 1 ? 'this kind' : 'these kinds'} in this run (its kinds: ${list(this.kinds)})`,
      );
    if (o.fromMs !== undefined && o.fromMs > this.lastMs)
      out.push(
        `--from ${o.fromMs / 1000}: the run ended at ${(this.lastMs / 1000).toFixed(3)}s virtual`,
      );
    if (this.active && this.shown === 0)
      out.push(
        'no record matched the filters (--only, --topics, --nodes, --from, --to): nothing to show',
      );
    return out;
  }
}
