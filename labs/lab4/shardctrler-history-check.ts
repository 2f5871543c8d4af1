// The check of a controller history against what clients observed (ours, for the churn tests):
// the recorded clerk calls (shardctrler-history.ts) and every configuration 0..latest read back
// at the end. It needs nothing from the implementation, so it judges any controller:
//
// 1. numbers are dense from 0, configuration 0 is empty, and a number always denotes the same
//    configuration (every query's answer equals the one read back);
// 2. each configuration k > 0 is explained by exactly one write (join, leave or move) turning k-1
//    into k, each write explains at most one configuration, and every acknowledged write explains
//    one: no write lost, none applied twice;
// 3. every join and leave produced a balanced configuration moving as few shards as possible; a
//    move changed its shard and nothing else;
// 4. real-time order: a write called after another returned took effect after it; a query saw no
//    write that had not been called yet, and answered "latest" with a configuration at least as
//    new as every write acknowledged before the query was called.
import { gidsOf, type Config, type Groups } from '../../harness/contracts/shardctrler';
import { fail } from '../../harness/scenario';
import type { CtrlerOperation, WriteInput } from './shardctrler-history';
import { configDifference, nonMinimal, sameGroups, unbalanced } from './shardctrler-check';

interface Write {
  readonly op: CtrlerOperation & { input: WriteInput };
  /** The configuration this write made, once attributed. */
  made: number | undefined;
}

function show(op: CtrlerOperation): string {
  const { op: kind, ...args } = op.input;
  const when = `called at ${(op.call / 1000).toFixed(3)}s, ${op.return === undefined ? 'never returned' : `returned at ${(op.return / 1000).toFixed(3)}s`}`;
  return `clerk ${op.client} ${kind}(${JSON.stringify(args)}) ${when}`;
}

/** The groups a join or leave makes from `prev`'s. */
function groupsAfter(prev: Groups, input: Exclude<WriteInput, { op: 'move' }>): Groups {
  if (input.op === 'join') return { ...prev, ...input.servers };
  const next = { ...prev };
  for (const gid of input.gids) delete next[gid];
  return next;
}

/** Whether `input` applied to `prev` can give `next` (for joins and leaves: the same groups; the shards are judged apart). */
function explains(input: WriteInput, prev: Config, next: Config): boolean {
  if (input.op !== 'move') return sameGroups(groupsAfter(prev.groups, input), next.groups);
  if (!sameGroups(prev.groups, next.groups)) return false;
  return next.shards.every((g, s) => g === (s === input.shard ? input.gid : prev.shards[s]));
}

/** Fails unless `configs` (configs[i] read back as configuration i) explain the recorded operations. */
export function checkCtrlerHistory(
  operations: readonly CtrlerOperation[],
  configs: readonly Config[],
): void {
  checkNumbering(operations, configs);
  const writes: Write[] = operations
    .filter((op): op is Write['op'] => op.input.op !== 'query')
    .map((op) => ({ op, made: undefined }));
  const maker = attribute(writes, configs);
  checkOrder(writes);
  checkQueries(operations, writes, maker);
}

function checkNumbering(operations: readonly CtrlerOperation[], configs: readonly Config[]): void {
  configs.forEach((c, i) => {
    if (c.num !== i)
      fail(
        'config-history',
        `query(${i}) returned configuration ${c.num}: numbers must be dense from 0`,
      );
  });
  if (gidsOf(configs[0]).length > 0 || configs[0].shards.some((g) => g !== 0))
    fail('config-history', `configuration 0 is not empty: ${JSON.stringify(configs[0])}`);
  for (const op of operations) {
    const c = op.output;
    if (!c) continue;
    if (c.num >= configs.length)
      fail(
        'config-history',
        `${show(op)} answered configuration ${c.num}, past the latest (${configs.length - 1})`,
      );
    const difference = configDifference(
      c,
      configs[c.num],
      `${show(op)} returned`,
      'the final read',
    );
    if (difference)
      fail(
        'config-same',
        `configuration ${c.num} changed: ${show(op)} saw it differently from the final read (${difference})`,
      );
  }
}

/** Whether `input` would change `prev` at all (a join of new groups, a leave of present ones, a move to a new owner). */
function visible(input: WriteInput, prev: Config): boolean {
  switch (input.op) {
    case 'join':
      return !sameGroups(groupsAfter(prev.groups, input), prev.groups);
    case 'leave':
      return input.gids.some((g) => prev.groups[g] !== undefined);
    case 'move':
      return prev.shards[input.shard] !== input.gid;
  }
}

/** Why `next` is not a good rebalance after a join or leave (unbalanced, or not minimal); undefined for a move or a good one. */
function badShards(input: WriteInput, prev: Config, next: Config): string | undefined {
  return input.op === 'move' ? undefined : (unbalanced(next) ?? nonMinimal(prev, next));
}

/** Attributes each configuration to the write that made it; returns maker[k] (undefined for 0). */
function attribute(writes: Write[], configs: readonly Config[]): (Write | undefined)[] {
  const maker: (Write | undefined)[] = [undefined];
  const byCall = [...writes].sort((a, b) => a.op.call - b.op.call);
  for (let k = 1; k < configs.length; k++) {
    const prev = configs[k - 1];
    const next = configs[k];
    // Writes with the same effect are interchangeable; one clerk's come in call order. A write
    // that changes something is preferred to one that would leave the groups as they were.
    const candidates = byCall.filter(
      (x) => x.made === undefined && explains(x.op.input, prev, next),
    );
    candidates.sort(
      (a, b) => Number(visible(b.op.input, prev)) - Number(visible(a.op.input, prev)),
    );
    const w = candidates.find((x) => badShards(x.op.input, prev, next) === undefined);
    if (!w) {
      const near = candidates[0];
      if (near && visible(near.op.input, prev))
        fail(
          unbalanced(next) ? 'config-valid' : 'config-minimal',
          `${show(near.op)} made configuration ${k}: ${badShards(near.op.input, prev, next)}`,
        );
      fail(
        'config-history',
        `configuration ${k} is explained by no write (a write applied twice, or a change nobody asked for): ${JSON.stringify(prev)} -> ${JSON.stringify(next)}`,
      );
    }
    w.made = k;
    maker.push(w);
  }
  const lost = writes.find((w) => w.made === undefined && w.op.return !== undefined);
  if (lost)
    fail(
      'config-history',
      `${show(lost.op)} was acknowledged but took effect in no configuration (lost)`,
    );
  return maker;
}

function checkOrder(writes: readonly Write[]): void {
  const done = writes.filter((w) => w.made !== undefined);
  for (const a of done) {
    for (const b of done) {
      if (a.op.return !== undefined && a.op.return < b.op.call && a.made! > b.made!) {
        fail(
          'config-history',
          `${show(b.op)} made configuration ${b.made}, before configuration ${a.made} of ${show(a.op)}, which had returned before it was called`,
        );
      }
    }
  }
}

function checkQueries(
  operations: readonly CtrlerOperation[],
  writes: readonly Write[],
  maker: readonly (Write | undefined)[],
): void {
  // latestCall[k]: the latest call stamp among the writes that made configurations 1..k.
  const latestCall = maker.map((_, k) =>
    Math.max(-Infinity, ...maker.slice(1, k + 1).map((w) => w!.op.call)),
  );
  for (const q of operations) {
    if (q.input.op !== 'query' || !q.output || q.return === undefined) continue;
    const got = q.output.num;
    if (latestCall[got] > q.return)
      fail(
        'config-history',
        `${show(q)} saw configuration ${got}, made by a write called after the query returned`,
      );
    const acked = writes
      .filter((w) => w.op.return !== undefined && w.op.return < q.call)
      .reduce((m, w) => Math.max(m, w.made!), 0);
    const asked = q.input.num;
    if (asked >= 0 && got > asked)
      fail(
        'config-history',
        `${show(q)} answered configuration ${got}: a query for an existing number answers that number`,
      );
    if (asked >= 0 && asked <= acked && got !== asked)
      fail(
        'config-history',
        `${show(q)} answered configuration ${got}; configuration ${asked} existed before the query began`,
      );
    if (got !== asked && got < acked)
      fail(
        'config-history',
        `${show(q)} answered configuration ${got} as the latest, but configuration ${acked} was acknowledged before the query began (stale)`,
      );
  }
}
