// Draws one partition as an SVG timeline: a row per client, each operation a bar from its call to
// its return. Time is warped, not linear: every distinct timestamp gets a slot, slots are spaced
// so labels fit, and a slot is wide enough for the linearization points that fall in it.
import type { ReportFault, ReportPartial, ReportPartition } from './report-data';

const ROW_H = 26;
const ROW_GAP = 12;
const LEFT = 84;
/** Room above the rows for the axis; faults, when drawn, take FAULT_LANES more lanes above it. */
const AXIS_TOP = 34;
const FAULT_LANE_H = 16;
const FAULT_LANES = 3;
const GAP = 14;
const LP_PAD = 5;
const LP_GAP = 9;
const CHAR_W = 7.2;
const MAX_BOX_W = 220;
const OPEN_TAIL = 70;

interface Mark {
  op: number;
  slot: number;
  /** Order within the slot. */
  j: number;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The width of a server's tag at a bar's right end. */
function tagWidth(server: string | undefined): number {
  return server === undefined ? 0 : server.length * 6.5 + 6;
}

/** Text content needs only < and & escaped (quotes stay readable in the page's source and cost 1 byte). */
function escapeText(text: string): string {
  return text.replace(/[<&]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A coordinate to one decimal: sums of 7.2 px characters otherwise print 17 digits. */
function px(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * An operation's label in at most maxChars characters, keeping what tells operations apart: the
 * operation and its key whole, and of each quoted value its start and its end (a read's value is
 * the appends so far: the newest are at its end), e.g. `get("0") -> "x 1 0 y…x 4 2 y"`. Only a
 * bar too short for that is cut at its end; the tooltip shows the whole operation.
 */
export function shortLabel(desc: string, maxChars: number): string {
  if (desc.length <= maxChars) return desc;
  if (maxChars <= 1) return '';
  // The values: JSON strings after the first one (the key).
  const values = [...desc.matchAll(/"(?:[^"\\]|\\.)*"/g)].slice(1);
  const replaced = new Map<number, string>();
  let over = desc.length - maxChars;
  // Longest first, each down to 2 characters either side of an ellipsis inside its quotes.
  for (const m of [...values].sort((a, b) => b[0].length - a[0].length)) {
    const inner = m[0].length - 2;
    const cut = Math.min(over + 1, inner - 4);
    if (over <= 0 || cut <= 1) continue;
    const keep = inner - cut;
    const head = Math.ceil(keep / 2);
    replaced.set(
      m.index,
      `"${m[0].slice(1, 1 + head)}…${m[0].slice(m[0].length - 1 - (keep - head))}`,
    );
    over -= cut - 1;
  }
  let out = '';
  let at = 0;
  for (const m of values) {
    const r = replaced.get(m.index);
    if (r === undefined) continue;
    out += desc.slice(at, m.index) + r;
    at = m.index + m[0].length;
  }
  out += desc.slice(at);
  return out.length <= maxChars ? out : `${out.slice(0, maxChars - 1)}…`;
}

export function formatTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(3).replace(/\.?0+$/, '');
}

/** Axis labels: whole virtual milliseconds (stamps carry 1/1024 ms tie-breakers nobody needs to read). */
export function axisLabel(t: number): string {
  return String(Math.round(t));
}

export function renderPartitionSvg(
  p: ReportPartition,
  index: number,
  faults: readonly ReportFault[] = [],
): string {
  const TOP = AXIS_TOP + (faults.length > 0 ? FAULT_LANES * FAULT_LANE_H : 0);
  const times = [
    ...new Set(p.ops.flatMap((op) => (op.ret === null ? [op.call] : [op.call, op.ret]))),
  ].sort((a, b) => a - b);
  const slotOf = new Map(times.map((t, i) => [t, i]));
  const slotCount = times.map(() => 0);
  const marks = p.partials.map((partial) => placeMarks(p, partial, slotOf, slotCount));
  const slotW = slotCount.map((n) => Math.max(8, 2 * LP_PAD + Math.max(0, n - 1) * LP_GAP));
  // Room for the label and the server's tag (a label shortened only past MAX_BOX_W).
  const minW = p.ops.map((op) =>
    Math.min(op.desc.length * CHAR_W + 12 + tagWidth(op.server), MAX_BOX_W),
  );
  const endingAt = times.map((): number[] => []);
  p.ops.forEach((op, id) => op.ret !== null && endingAt[slotOf.get(op.ret)!].push(id));
  const x: number[] = [];
  times.forEach((_, i) => {
    let xi = i === 0 ? LEFT + 12 : x[i - 1] + slotW[i - 1] + GAP;
    for (const id of endingAt[i])
      xi = Math.max(xi, x[slotOf.get(p.ops[id].call)!] + minW[id] - slotW[i]);
    x.push(xi);
  });
  const last = times.length - 1;
  const width = Math.ceil((last >= 0 ? x[last] + slotW[last] : LEFT) + OPEN_TAIL + 20);
  const clients = [...new Set(p.ops.map((op) => op.client))].sort((a, b) => a - b);
  const rowOf = new Map(clients.map((c, i) => [c, i]));
  const rowY = (client: number) => TOP + rowOf.get(client)! * (ROW_H + ROW_GAP);
  const height = TOP + clients.length * (ROW_H + ROW_GAP) + 4;
  const lpX = (m: Mark) => px(x[m.slot] + LP_PAD + m.j * LP_GAP);
  const out: string[] = [];
  out.push(
    `<svg class="timeline" id="timeline-${index}" data-p="${index}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
  );
  // Axis: ticks at every slot, labels (rounded virtual ms) where they fit and differ from the last.
  out.push(
    `<g class="axis"><line x1="${LEFT}" y1="${TOP - 10}" x2="${width - 10}" y2="${TOP - 10}"/>`,
  );
  let lastLabelEnd = -Infinity;
  let lastLabel = '';
  // Every tick in one path (a line each was a quarter of a 3A report's bytes).
  const ticks: string[] = [];
  times.forEach((t, i) => {
    const cx = px(x[i] + slotW[i] / 2);
    ticks.push(`M${cx} ${TOP - 14}v4`);
    const label = axisLabel(t);
    if (label !== lastLabel && cx - (label.length * 6) / 2 > lastLabelEnd + 6) {
      out.push(`<text x="${cx}" y="${TOP - 18}">${escapeXml(label)}</text>`);
      lastLabelEnd = cx + (label.length * 6) / 2;
      lastLabel = label;
    }
  });
  if (ticks.length > 0) out.push(`<path class="ticks" d="${ticks.join('')}"/>`);
  out.push(`<text class="axis-name" x="4" y="${TOP - 18}">virtual ms</text></g>`);
  out.push(...faultMarks(faults, times, x, slotW, height, width));
  out.push('<g class="rows">');
  for (const c of clients) {
    const y = rowY(c);
    out.push(
      `<rect class="row-bg" x="0" y="${y - ROW_GAP / 2}" width="${width}" height="${ROW_H + ROW_GAP}"/>`,
    );
  }
  out.push('</g><g class="ops">');
  const first = p.partials[0];
  const inFirst = new Set(first?.ops ?? []);
  const stuckFirst = new Set((first?.stuck ?? []).map((s) => s.op));
  p.ops.forEach((op, id) => {
    const x1 = x[slotOf.get(op.call)!];
    const x2 = op.ret === null ? width - 10 : x[slotOf.get(op.ret)!] + slotW[slotOf.get(op.ret)!];
    const y = rowY(op.client);
    const cls = [
      'op',
      inFirst.has(id) ? 'in-prefix' : '',
      stuckFirst.has(id) ? 'stuck' : '',
      op.ret === null ? 'open' : '',
    ]
      .filter(Boolean)
      .join(' ');
    // The answering server in a tag at the bar's right end, when there is room for it.
    const tag = op.server !== undefined && x2 - x1 > 40 ? op.server : undefined;
    const tagW = tagWidth(tag);
    const maxChars = Math.max(0, Math.floor((x2 - x1 - 8 - tagW) / CHAR_W));
    const label = shortLabel(op.desc, maxChars);
    out.push(
      `<g class="${cls}" data-op="${id}" data-p="${index}"${op.server !== undefined ? ` data-server="${escapeXml(op.server)}"` : ''}><rect x="${px(x1)}" y="${y}" width="${px(Math.max(2, x2 - x1))}" height="${ROW_H}" rx="4"/>` +
        `<text x="${px((x1 + x2 - tagW) / 2)}" y="${y + ROW_H / 2 + 4}">${escapeText(label)}</text>` +
        (tag
          ? `<text class="server-tag" x="${px(x2 - tagW / 2 - 2)}" y="${y + ROW_H / 2 + 4}">${escapeText(tag)}</text>`
          : '') +
        '</g>',
    );
  });
  out.push('</g><g class="partials">');
  p.partials.forEach((partial, k) => {
    const ms = marks[k];
    out.push(`<g class="partial" data-k="${k}"${k === 0 ? '' : ' style="display:none"'}>`);
    const points = ms.valid.map((m) => `${lpX(m)},${rowY(p.ops[m.op].client) + ROW_H / 2}`);
    if (points.length > 1) out.push(`<polyline class="lp-path" points="${points.join(' ')}"/>`);
    for (const m of ms.valid) {
      const y = rowY(p.ops[m.op].client);
      out.push(
        `<line class="lp" x1="${lpX(m)}" y1="${y - 4}" x2="${lpX(m)}" y2="${y + ROW_H + 4}"/>`,
      );
    }
    const lastValid = ms.valid[ms.valid.length - 1];
    for (const m of ms.stuck) {
      const y = rowY(p.ops[m.op].client);
      if (lastValid)
        out.push(
          `<line class="bad-path" x1="${lpX(lastValid)}" y1="${rowY(p.ops[lastValid.op].client) + ROW_H / 2}" x2="${lpX(m)}" y2="${y + ROW_H / 2}"/>`,
        );
      out.push(
        `<line class="lp-bad" x1="${lpX(m)}" y1="${y - 4}" x2="${lpX(m)}" y2="${y + ROW_H + 4}"/>`,
      );
    }
    if (partial.stopTime !== null && p.verdict === 'illegal') {
      const s = slotOf.get(partial.stopTime)!;
      const fx = px(x[s] + slotW[s] + 2);
      out.push(`<line class="fail-line" x1="${fx}" y1="${TOP - 8}" x2="${fx}" y2="${height}"/>`);
      out.push(`<text class="fail-label" x="${fx + 3}" y="${TOP - 1}">stuck</text>`);
    }
    out.push('</g>');
  });
  // Last, so that bars scrolled under them (the labels stay at the left edge) do not hide them.
  out.push('</g><g class="client-labels">');
  for (const c of clients)
    out.push(`<text class="client-label" x="6" y="${rowY(c) + ROW_H / 2 + 4}">client ${c}</text>`);
  out.push('</g></svg>');
  return out.join('\n');
}

/**
 * Faults at their virtual times: a dashed line down through the rows and a label in one of the
 * lanes above the axis. The axis is warped, so a time between two slots is placed in proportion.
 */
function faultMarks(
  faults: readonly ReportFault[],
  times: readonly number[],
  x: readonly number[],
  slotW: readonly number[],
  height: number,
  width: number,
): string[] {
  if (faults.length === 0) return [];
  const at = (t: number): number => {
    if (times.length === 0) return LEFT;
    if (t <= times[0]) return t === times[0] ? x[0] : Math.max(LEFT, x[0] - GAP / 2);
    const last = times.length - 1;
    if (t >= times[last])
      return t === times[last] ? x[last] : Math.min(width - 12, x[last] + slotW[last] + GAP / 2);
    let i = 0;
    while (times[i + 1] <= t) i++;
    if (t === times[i]) return x[i];
    const from = x[i] + slotW[i];
    return from + ((t - times[i]) / (times[i + 1] - times[i])) * (x[i + 1] - from);
  };
  const out = ['<g class="faults">'];
  const laneEnd = new Array<number>(FAULT_LANES).fill(-Infinity);
  for (const f of mergeFaults(faults)) {
    const fx = px(at(f.time));
    const short = f.label.length > 34 ? `${f.label.slice(0, 33)}…` : f.label;
    // A label only where it overlaps none: with every lane taken, the line and its tooltip.
    const lane = laneEnd.findIndex((end) => end < fx);
    const ly = (Math.max(lane, 0) + 1) * FAULT_LANE_H - 3;
    if (lane >= 0) laneEnd[lane] = fx + short.length * 6 + 8;
    out.push(
      `<g class="fault fault-${f.kind}" data-time="${f.time}"><title>${escapeXml(`${axisLabel(f.time)} ms: ${f.text}`)}</title>` +
        `<line x1="${fx}" y1="${ly + 3}" x2="${fx}" y2="${height}"/>` +
        (lane >= 0 ? `<text x="${fx + 3}" y="${ly}">${escapeXml(short)}</text>` : '') +
        '</g>',
    );
  }
  out.push('</g>');
  return out;
}

/**
 * Faults of one kind at one time as one mark: "S0 crashed" ... "S6 crashed" together are "7
 * servers crashed" (every line in the tooltip), so that a whole-cluster crash is one label.
 */
function mergeFaults(
  faults: readonly ReportFault[],
): { time: number; kind: string; text: string; label: string }[] {
  const merged: { time: number; kind: string; texts: string[] }[] = [];
  for (const f of faults) {
    const last = merged.at(-1);
    if (last && last.time === f.time && last.kind === f.kind) last.texts.push(f.text);
    else merged.push({ time: f.time, kind: f.kind, texts: [f.text] });
  }
  return merged.map((m) => {
    const verb = /^S\d+ (\w+)$/.exec(m.texts[0])?.[1];
    const same = verb !== undefined && m.texts.every((t) => t.endsWith(` ${verb}`));
    const label =
      m.texts.length === 1
        ? m.texts[0]
        : same
          ? `${m.texts.length} servers ${verb}`
          : `${m.texts[0]} (+${m.texts.length - 1})`;
    return { time: m.time, kind: m.kind, text: m.texts.join('; '), label };
  });
}

// Linearization points: each step at the earliest time it can happen (never before the previous
// step), several in one slot side by side; the stuck candidates after them, at the stop time.
function placeMarks(
  p: ReportPartition,
  partial: ReportPartial,
  slotOf: Map<number, number>,
  slotCount: number[],
): { valid: Mark[]; stuck: Mark[] } {
  const used = new Map<number, number>();
  const place = (op: number, t: number): Mark => {
    const slot = slotOf.get(t)!;
    const j = used.get(slot) ?? 0;
    used.set(slot, j + 1);
    slotCount[slot] = Math.max(slotCount[slot], j + 1);
    return { op, slot, j };
  };
  let t = -Infinity;
  const valid = partial.ops.map((op) => {
    t = Math.max(t, p.ops[op].call);
    return place(op, t);
  });
  const stuck =
    partial.stopTime === null
      ? []
      : partial.stuck.map((s) => place(s.op, Math.max(t, p.ops[s.op].call)));
  return { valid, stuck };
}
