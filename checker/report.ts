// The visual report: one self-contained HTML file (inline CSS, SVG and script; no network) that
// shows a checked history per partition, its longest linearizable prefixes, where linearization
// got stuck, and the model state before and after each operation on hover or click.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { checkOperations, type CheckResult } from './check';
import { buildReportData, type ReportData, type ReportExtras } from './report-data';
import { CLIENT_SCRIPT, STYLE } from './report-assets';
import { escapeXml, renderPartitionSvg } from './report-svg';

/**
 * Writes the report for `result` to `file` and returns its path. A result checked without
 * `verbose` is checked again with it (same options), since the report needs the prefixes.
 */
export function writeHtmlReport<S, I, O>(
  result: CheckResult<S, I, O>,
  file: string,
  extras: ReportExtras = {},
): string {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, renderHtmlReport(result, extras));
  return file;
}

export function renderHtmlReport<S, I, O>(
  result: CheckResult<S, I, O>,
  extras: ReportExtras = {},
): string {
  const verbose = result.verbose ? result : recheckVerbose(result);
  const data = buildReportData(verbose, extras);
  return page(data);
}

function recheckVerbose<S, I, O>(result: CheckResult<S, I, O>): CheckResult<S, I, O> {
  // Regrouped by partition, each partition's operations keep their order: the same searches.
  const operations = result.partitions.flatMap((p) => p.operations);
  return checkOperations(result.model, operations, { ...result.options, verbose: true });
}

function page(data: ReportData): string {
  const title = `Linearizability: ${data.verdict} (${data.model})`;
  const order = data.partitions
    .map((_, i) => i)
    .sort((a, b) => rank(data.partitions[a].verdict) - rank(data.partitions[b].verdict) || a - b);
  const sections = order.map((i) => {
    const p = data.partitions[i];
    const name = p.label || 'whole history';
    const why = p.reason ? ` (${p.reason})` : '';
    const longest = p.partials[0]?.ops.length ?? 0;
    return (
      `<section class="partition verdict-${p.verdict}" id="partition-${i}" data-p="${i}">` +
      `<h2><span class="badge">${p.verdict}${escapeXml(why)}</span> ${escapeXml(name)} ` +
      `<small>${p.ops.length} operations; longest linearizable prefix ${longest}</small></h2>` +
      `<div class="scroll" data-p="${i}"></div></section>`
    );
  });
  const svgs = data.partitions.map((p, i) => renderPartitionSvg(p, i, data.faults));
  const reason = data.reason ? ` (${data.reason})` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>${STYLE}</style></head>
<body>
<header id="summary" class="verdict-${data.verdict}">
<h1>History is <span id="verdict">${data.verdict}</span>${escapeXml(reason)}${data.title ? ` <small>${escapeXml(data.title)}</small>` : ''}</h1>
<p>Model <b>${escapeXml(data.model)}</b>; ${data.partitions.length} partition(s); checked in ${data.elapsedMs.toFixed(1)} ms.
<a href="#" id="jump">jump to first failure</a></p>
<p class="legend"><span class="sw op-sw"></span> operation (call to return)
<span class="sw prefix-sw"></span> in the longest linearizable prefix
<span class="sw lp-sw"></span> linearization point
<span class="sw bad-sw"></span> could not come next
<span class="sw fail-sw"></span> stuck: no candidate continues. Hover an operation for the model state; click to pin it.
<span class="server-tag">S2</span> the server that answered.${data.faults.length > 0 ? ' Faults of the run above the timeline: <span class="fault-partition">partition</span> <span class="fault-crash">crash</span> <span class="fault-restart">restart</span> <span class="fault-leader">leader</span> <span class="fault-unreliable">unreliable</span>.' : ''}
Time is in virtual milliseconds, not to scale: every distinct call or return time gets a slot.</p>
</header>
<noscript><p class="noscript">The timelines are drawn by the page's script: allow JavaScript for this file.</p></noscript>
<main>${sections.join('\n')}</main>
<div id="tooltip" hidden></div>
<aside id="details" hidden></aside>
<script type="application/gzip;base64" id="payload">${packPayload({ data, svgs })}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}

/**
 * The report's data and drawings, gzipped and in base64, unpacked by the page (the browser's
 * DecompressionStream): a 3A failure's timelines repeat the same markup and values thousands of
 * times, 2 MB as text and about a tenth of it packed.
 */
export function packPayload(payload: ReportPayload): string {
  return zlib.gzipSync(JSON.stringify(payload), { level: 9 }).toString('base64');
}

/** What the page unpacks: the data its script reads, and each partition's SVG timeline. */
export interface ReportPayload {
  data: ReportData;
  svgs: string[];
}

/** The payload of a report page (for tests and tools; the page itself unpacks it in the browser). */
export function unpackPayload(html: string): ReportPayload {
  const m = /<script type="application\/gzip;base64" id="payload">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error('not a linearizability report: it has no payload script');
  return JSON.parse(zlib.gunzipSync(Buffer.from(m[1], 'base64')).toString('utf8')) as ReportPayload;
}

function rank(verdict: string): number {
  return verdict === 'illegal' ? 0 : verdict === 'unknown' ? 1 : 2;
}
