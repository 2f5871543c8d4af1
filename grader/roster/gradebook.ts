// The roster's gradebook, rewritten after every submission: gradebook.csv (a row per submission:
// status, the course score per part and our tests passed per part, the total, the reason),
// gradebook.json (everything, per submission a summary of its results) and a self-contained
// gradebook.html (per submission its failing and flaky tests with seeds and replay commands, type
// errors, hung and crashed runs, module-state warnings; per test how many submissions fail it;
// sortable columns).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Plan } from '../grade';
import { FORMAT, type GradeFile } from '../results';
import {
  failureDetails,
  markedName,
  scoreOf,
  type FailureDetail,
  type Score,
} from '../formats/score';
import type { RosterParams, SubmissionResult, SubmissionStatus } from './roster';
import type { Submission } from './submissions';

export const GRADEBOOK_FORMAT = 'dslab-gradebook/1';

export interface GradebookEntry {
  submission: Submission;
  status: SubmissionStatus;
  cached: boolean;
  result?: SubmissionResult;
}

interface TestRow {
  name: string;
  marked: string;
  part: string;
  ours: boolean;
  verdict: string;
  runs: number;
  passed: number;
  failed: number;
  hung: number;
  crashed: number;
  score: number;
  maxScore: number;
  failures: FailureDetail[];
}

export interface SubmissionSummary {
  name: string;
  source: string;
  kind: string;
  status: SubmissionStatus;
  cached: boolean;
  reason?: string;
  typeErrors?: string[];
  impl?: string;
  hash?: string;
  results?: string;
  parts: {
    part: string;
    earned: number;
    possible: number;
    points: number;
    oursPassed: number;
    oursGraded: number;
  }[];
  earned: number;
  possible: number;
  runs?: { expected: number; passed: number; failed: number; hung: number; crashed: number };
  modules?: string;
  globals?: string[];
  tests?: TestRow[];
  realMs?: number;
  gradedAt?: string;
}

function emptyFile(p: Plan, params: RosterParams): GradeFile {
  return {
    format: FORMAT,
    node: process.version,
    impl: '',
    implDir: '',
    parts: p.parts,
    seed: p.seed,
    runs: params.runs,
    tests: p.tests,
    partSizes: p.partSizes,
    points: p.points,
    expectedRuns: p.tests.length * params.runs,
    interrupted: false,
    parallel: 1,
    realMs: 0,
    results: [],
  };
}

function partsOf(s: Score): SubmissionSummary['parts'] {
  return s.parts.map((x) => ({
    part: x.part,
    earned: round(x.earned),
    possible: round(x.possible),
    points: x.points,
    oursPassed: x.oursPassed,
    oursGraded: x.oursGraded,
  }));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function summarizeEntry(
  e: GradebookEntry,
  p: Plan,
  params: RosterParams,
): SubmissionSummary {
  const r = e.result;
  const base = {
    name: e.submission.name,
    source: e.submission.source,
    kind: e.submission.kind,
    status: e.status,
    cached: e.cached,
    ...(r?.reason ? { reason: r.reason } : {}),
    ...(r?.typeErrors ? { typeErrors: r.typeErrors } : {}),
    ...(r?.impl ? { impl: r.impl } : {}),
    ...(r
      ? {
          hash: r.hash,
          results: `results/${e.submission.name}.json`,
          realMs: Math.round(r.realMs),
          gradedAt: r.gradedAt,
        }
      : {}),
  };
  if (!r?.file) {
    const s = scoreOf(emptyFile(p, params));
    return {
      ...base,
      parts: partsOf(s).map((x) => ({ ...x, earned: 0, oursPassed: 0 })),
      earned: 0,
      possible: round(s.possible),
    };
  }
  const file = r.file;
  const s = scoreOf(file);
  const count = (status: string) => file.results.filter((x) => x.status === status).length;
  return {
    ...base,
    parts: partsOf(s),
    earned: round(s.earned),
    possible: round(s.possible),
    runs: {
      expected: file.expectedRuns,
      passed: count('passed'),
      failed: count('failed'),
      hung: count('hung'),
      crashed: count('crashed'),
    },
    ...(file.modules ? { modules: file.modules } : {}),
    ...(file.globals ? { globals: file.globals } : {}),
    tests: s.tests.map((t) => ({
      name: t.name,
      marked: markedName(t),
      part: t.part,
      ours: Boolean(t.ours),
      verdict: t.verdict,
      runs: t.runs,
      passed: t.passed,
      failed: t.failed,
      hung: t.hung,
      crashed: t.crashed,
      score: round(t.score),
      maxScore: round(t.maxScore),
      failures: failureDetails(file, t, r.impl ?? file.impl),
    })),
  };
}

/** Writes the three files; returns their paths. */
export function writeGradebook(
  out: string,
  p: Plan,
  params: RosterParams,
  entries: readonly GradebookEntry[],
): string[] {
  const subs = entries.map((e) => summarizeEntry(e, p, params));
  const tests = testCounts(p, subs);
  const json = {
    format: GRADEBOOK_FORMAT,
    params,
    points: p.points,
    submissions: subs,
    tests,
  };
  const files = {
    csv: path.join(out, 'gradebook.csv'),
    json: path.join(out, 'gradebook.json'),
    html: path.join(out, 'gradebook.html'),
  };
  writeAtomic(files.csv, csvText(p, subs));
  writeAtomic(files.json, `${JSON.stringify(json, null, 1)}\n`);
  writeAtomic(files.html, htmlText(params, subs, tests));
  return [files.csv, files.json, files.html];
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

interface TestCount {
  name: string;
  marked: string;
  part: string;
  ours: boolean;
  /** Submissions graded (so that failing counts mean something). */
  graded: number;
  /** Submissions with a run of it that did not pass. */
  failing: string[];
  /** Of those, the ones where it passed some seeds. */
  flaky: string[];
}

function testCounts(p: Plan, subs: readonly SubmissionSummary[]): TestCount[] {
  const graded = subs.filter((s) => s.tests);
  return p.tests.map((t) => {
    const rows = graded.map((s) => ({ s, row: s.tests!.find((x) => x.name === t.name) }));
    const failing = rows.filter((x) => x.row && x.row.passed < x.row.runs);
    return {
      name: t.name,
      marked: markedName(t),
      part: t.part,
      ours: Boolean(t.ours),
      graded: graded.length,
      failing: failing.map((x) => x.s.name),
      flaky: failing.filter((x) => x.row!.passed > 0).map((x) => x.s.name),
    };
  });
}

// ---- CSV ----------------------------------------------------------------------------------------

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(p: Plan, subs: readonly SubmissionSummary[]): string {
  const parts = p.parts.filter((x) => subs.some((s) => s.parts.some((y) => y.part === x)));
  const header = [
    'name',
    'status',
    ...parts.flatMap((x) => [`${x} (course)`, `${x} ours`]),
    'total',
    'possible',
    'runs passed',
    'reason',
  ];
  const rows = subs.map((s) => [
    s.name,
    s.status,
    ...parts.flatMap((x) => {
      const ps = s.parts.find((y) => y.part === x);
      return ps
        ? [ps.earned, ps.oursGraded > 0 ? `${ps.oursPassed}/${ps.oursGraded}` : '']
        : ['', ''];
    }),
    s.earned,
    s.possible,
    s.runs ? `${s.runs.passed}/${s.runs.expected}` : '',
    (s.reason ?? '').replace(/\s*\n\s*/g, ' '),
  ]);
  return `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

// ---- HTML ---------------------------------------------------------------------------------------

function esc(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function anchor(name: string): string {
  return `sub-${name.replace(/[^\w-]/g, '_')}`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
th.sortable{cursor:pointer;background:#f3f3f3}th.sortable:hover{background:#e4e4e4}td.n{text-align:right}
.passed{color:#176f2c}.failed{color:#b00020}.compile-error,.not-graded{color:#8a4b00}.pending{color:#777}
pre{background:#f6f6f6;padding:6px;overflow-x:auto;white-space:pre-wrap}code{background:#f6f6f6}
section{border-top:2px solid #ddd;margin-top:1.5em}h3{margin-bottom:.3em}.muted{color:#777}`;

const SORT_JS = `document.querySelectorAll('table.sortable').forEach(function(t){
t.querySelectorAll('th').forEach(function(th,i){th.className='sortable';th.title='sort';th.addEventListener('click',function(){
var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.dataset.dir!=='asc';
t.querySelectorAll('th').forEach(function(h){delete h.dataset.dir});th.dataset.dir=asc?'asc':'desc';
var key=function(r){var c=r.cells[i];var v=c.dataset.v!==undefined?c.dataset.v:c.textContent;var n=parseFloat(v);return isNaN(n)||!/^\\s*-?[\\d.]/.test(v)?v.toLowerCase():n};
rows.sort(function(x,y){var a=key(x),c=key(y);if(typeof a!==typeof c){a=String(a);c=String(c)}return (a<c?-1:a>c?1:0)*(asc?1:-1)});
rows.forEach(function(r){b.appendChild(r)})})})});`;

export function htmlText(
  params: RosterParams,
  subs: readonly SubmissionSummary[],
  tests: readonly TestCount[],
): string {
  const parts = params.parts.filter((x) => subs.some((s) => s.parts.some((y) => y.part === x)));
  const seeds =
    params.runs === 1
      ? `seed ${params.seed}`
      : `seeds ${params.seed}..${params.seed + params.runs - 1}`;
  const out: string[] = [];
  out.push(
    `<!doctype html><html><head><meta charset="utf-8"><title>dslab gradebook</title><style>${STYLE}</style></head><body>`,
    `<h1>dslab gradebook</h1><p>${esc(params.parts.join(' '))}: ${params.tests.length} tests x ${params.runs} runs, ${esc(seeds)}, Node ${esc(params.node)}; ${subs.length} submissions. Click a column's title to sort.</p>`,
    '<h2>Submissions</h2><table class="sortable"><thead><tr><th>name</th><th>status</th>',
    ...parts.map((x) => `<th>${esc(x)}</th><th>${esc(x)} ours</th>`),
    '<th>total</th><th>runs passed</th><th>hung</th><th>crashed</th><th>reason</th></tr></thead><tbody>',
  );
  for (const s of subs) {
    out.push(
      `<tr><td data-v="${esc(s.name)}"><a href="#${anchor(s.name)}">${esc(s.name)}</a></td><td class="${s.status}">${esc(s.status)}${s.cached ? ' <span class="muted">(cached)</span>' : ''}</td>`,
    );
    for (const x of parts) {
      const ps = s.parts.find((y) => y.part === x);
      out.push(
        ps
          ? `<td class="n" data-v="${ps.earned}">${ps.earned}/${ps.possible}</td><td class="n" data-v="${ps.oursGraded ? ps.oursPassed / ps.oursGraded : ''}">${ps.oursGraded ? `${ps.oursPassed}/${ps.oursGraded}` : ''}</td>`
          : '<td></td><td></td>',
      );
    }
    out.push(
      `<td class="n" data-v="${s.earned}">${s.earned}/${s.possible}</td>`,
      `<td class="n" data-v="${s.runs ? s.runs.passed / Math.max(1, s.runs.expected) : -1}">${s.runs ? `${s.runs.passed}/${s.runs.expected}` : ''}</td>`,
      `<td class="n">${s.runs?.hung ?? ''}</td><td class="n">${s.runs?.crashed ?? ''}</td>`,
      `<td>${esc(firstLineOf(s.reason ?? ''))}</td></tr>`,
    );
  }
  out.push('</tbody></table>');

  out.push(
    '<h2>Tests</h2><table class="sortable"><thead><tr><th>test</th><th>part</th><th>failing in</th><th>flaky in</th><th>submissions failing it</th></tr></thead><tbody>',
  );
  for (const t of tests) {
    out.push(
      `<tr><td>${esc(t.marked)}</td><td>${esc(t.part)}</td><td class="n" data-v="${t.failing.length}">${t.failing.length}/${t.graded}</td><td class="n" data-v="${t.flaky.length}">${t.flaky.length}</td><td>${t.failing.map((n) => `<a href="#${anchor(n)}">${esc(n)}</a>`).join(', ')}</td></tr>`,
    );
  }
  out.push('</tbody></table>');

  for (const s of subs) out.push(submissionSection(s));
  out.push(`<script>${SORT_JS}</script></body></html>\n`);
  return out.join('\n');
}

function firstLineOf(s: string): string {
  return s.split('\n')[0] ?? '';
}

function submissionSection(s: SubmissionSummary): string {
  const out: string[] = [];
  out.push(
    `<section id="${anchor(s.name)}"><h2>${esc(s.name)} <span class="${s.status}">${esc(s.status)}</span>${s.cached ? ' <span class="muted">(cached)</span>' : ''}</h2>`,
    `<p>${esc(s.source)}${s.impl ? `; graded folder <code>${esc(s.impl)}</code>` : ''}; ${s.earned}/${s.possible} points${s.runs ? `; ${s.runs.passed}/${s.runs.expected} runs passed` : ''}</p>`,
  );
  if (s.reason) out.push(`<p><b>${s.runs ? 'Note' : 'Not graded'}:</b> ${esc(s.reason)}</p>`);
  if (s.typeErrors && s.typeErrors.length > 0)
    out.push(
      `<h3>Type errors (${s.typeErrors.length})</h3><pre>${esc(s.typeErrors.join('\n'))}</pre>`,
    );
  const tests = s.tests ?? [];
  const failing = tests.filter((t) => t.verdict === 'failing');
  const flaky = tests.filter((t) => t.verdict === 'flaky');
  const failureList = (t: TestRow) =>
    `<li><b>${esc(t.marked)}</b>: ${t.passed}/${t.runs} passed<ul>${t.failures
      .map(
        (f) =>
          `<li>seed ${f.seed} (${esc(f.status)}): ${esc(f.text)}<br><code>${esc(f.replay)}</code>${f.trace ? `<br>trace: <code>${esc(f.trace)}</code>` : ''}</li>`,
      )
      .join('')}</ul></li>`;
  if (failing.length > 0)
    out.push(
      `<h3>Failing tests (${failing.length})</h3><ul>${failing.map(failureList).join('')}</ul>`,
    );
  if (flaky.length > 0)
    out.push(`<h3>Flaky tests (${flaky.length})</h3><ul>${flaky.map(failureList).join('')}</ul>`);
  const lost = tests.flatMap((t) =>
    t.failures.filter((f) => f.status === 'hung' || f.status === 'crashed').map((f) => ({ t, f })),
  );
  if (lost.length > 0)
    out.push(
      `<h3>Hung and crashed runs (${lost.length})</h3><ul>${lost
        .map(
          ({ t, f }) => `<li>${esc(t.name)} seed ${f.seed}: ${esc(f.status)}: ${esc(f.text)}</li>`,
        )
        .join('')}</ul>`,
    );
  if (s.modules && s.modules.startsWith('modules reloaded'))
    out.push(`<h3>Module-level state</h3><p>${esc(s.modules)}</p>`);
  if (s.globals && s.globals.length > 0)
    out.push(
      `<h3>Globals left by the implementation</h3><ul>${s.globals.map((g) => `<li>${esc(g)}</li>`).join('')}</ul>`,
    );
  if (s.tests && failing.length === 0 && flaky.length === 0) out.push('<p>Every run passed.</p>');
  out.push('</section>');
  return out.join('\n');
}
