// The run viewer: a picture of one run as one self-contained HTML file (inline style, script and
// data; no network): a lane per server with its role and term, crashes, restarts and partitions,
// every message as an arrow from its send to its delivery (lost ones marked) with its arguments
// and reply on click, the implementation's log lines on their lanes, and the failing check at its
// virtual time, where the page opens. `grade replay TEST --seed S --html [FILE]` writes one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildViewerData, type ViewerData, type ViewerOptions, type ViewerRun } from './data';
import { SCRIPT, STYLE } from './assets';

export {
  buildViewerData,
  OUTCOME,
  ROLE,
  type ViewerData,
  type ViewerOptions,
  type ViewerRun,
} from './data';

/** Writes the viewer of `run` (a RunResult kept with its trace) to `file`; returns the path. */
export function writeRunViewer(run: ViewerRun, file: string, options: ViewerOptions = {}): string {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, renderRunViewer(run, options));
  return file;
}

/** The viewer's file name for a run: TestX-seed17-run.html. */
export function viewerFileName(test: string, seed: number): string {
  return `${test}-seed${seed}-run.html`;
}

export function renderRunViewer(run: ViewerRun, options: ViewerOptions = {}): string {
  return page(buildViewerData(run, options));
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

/** Data as a script literal: nothing in it can close the script element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function page(data: ViewerData): string {
  const at = `${(data.failAt / 1000).toFixed(3)} s virtual`;
  const verdict = data.passed
    ? `<p id="failure" class="passed">passed; the run ended at <span class="at">${at}</span></p>`
    : `<p id="failure"><b>failed${data.check ? ` [${escapeHtml(data.check)}]` : ''}</b> ` +
      `${escapeHtml(data.message ?? '')} <span class="at">at ${at}</span></p>`;
  const title = `${data.test} seed ${data.seed}${data.passed ? '' : `: ${data.check ?? 'failed'}`}`;
  const counts = new Map<number, number>();
  for (const m of data.msgs) counts.set(m[8], (counts.get(m[8]) ?? 0) + 1);
  for (const l of data.logs) counts.set(l[2], (counts.get(l[2]) ?? 0) + 1);
  const methods = new Map<number, Set<string>>();
  for (const m of data.msgs) {
    const set = methods.get(m[8]) ?? new Set<string>();
    set.add(data.strings[m[7]].replace(/^.*\./, ''));
    methods.set(m[8], set);
  }
  const topics = data.topics
    .map((t, i) => {
      const what = methods.get(i);
      const hint = what ? ` title="${escapeHtml([...what].join(', '))}"` : '';
      return (
        `<label${hint}><input type="checkbox" checked data-topic="${escapeHtml(t)}">` +
        `<span class="sw" data-sw="${escapeHtml(t)}"></span>${escapeHtml(t)} <span class="n">${counts.get(i) ?? 0}</span></label>`
      );
    })
    .join('');
  const roles = data.roles
    ? 'Roles and terms from getState() (a candidate: from its RequestVote to its next change):'
    : 'Roles: this trace has no getState() observations; candidates from their RequestVote calls:';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
<header>
<h1>${escapeHtml(data.test)} <small>seed ${data.seed}${data.impl ? `, implementation ${escapeHtml(data.impl)}` : ''}</small></h1>
${verdict}
${data.note ? `<p id="note">${escapeHtml(data.note)}</p>` : ''}
<div id="controls"><button id="to-failure" title="the last 2 s before the end">${data.passed ? 'End' : 'Failure'}</button><button id="whole">Whole${data.note ? ' window' : ' run'}</button><button id="zoom-in" title="zoom in (+)">+</button><button id="zoom-out" title="zoom out (-)">&minus;</button><button id="left" title="earlier (left arrow)">&larr;</button><button id="right" title="later (right arrow)">&rarr;</button><span id="range"></span></div>
<div id="topics">Topics: ${topics}<label><input type="checkbox" id="replies" checked>replies</label></div>
<p class="legend">${roles} <span class="role r0">follower</span><span class="role r1">candidate</span><span class="role r2">leader</span><span class="role r3">down</span>; hatched: cut off from other servers.
Arrows: send to delivery; thin: the reply back, when it arrived (drawn from the delivery); dashed, &#x2716;: lost. Wheel: zoom; drag: pan; click an arrow for its arguments and reply.</p>
</header>
<main id="chart"><svg id="plot" xmlns="http://www.w3.org/2000/svg"></svg></main>
<div id="tip" hidden></div>
<aside id="details" hidden></aside>
<script>const data = ${scriptJson(data)};
${SCRIPT}</script>
</body></html>
`;
}
