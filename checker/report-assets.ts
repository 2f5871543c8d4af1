// The report page's inline style sheet and script. The script unpacks the page's payload: `data`
// (ReportData) and the SVG timelines drawn by report-svg.ts; it is plain browser JavaScript kept as a
// string, since this project's TypeScript is compiled for Node without DOM types.

export const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid #ccc; padding: 8px 16px; }
header h1 { font-size: 18px; margin: 0 0 4px; }
header p { margin: 2px 0; }
.verdict-ok #verdict, .verdict-ok > h2 .badge { color: #126b2f; }
.verdict-illegal #verdict, .verdict-illegal > h2 .badge { color: #b00020; }
.verdict-unknown #verdict, .verdict-unknown > h2 .badge { color: #8a5a00; }
.legend { font-size: 12px; color: #555; }
.sw { display: inline-block; width: 18px; height: 10px; margin: 0 3px 0 10px; vertical-align: middle; border-radius: 2px; }
.op-sw { background: #b9e8f7; border: 1px solid #888; }
.prefix-sw { background: #9fe0b0; border: 1px solid #888; }
.lp-sw { background: rgba(0,0,0,.55); width: 4px; }
.bad-sw { background: rgba(230,0,0,.7); width: 4px; }
.fail-sw { border-left: 2px dashed #d00; width: 2px; height: 14px; border-radius: 0; }
main { padding: 8px 16px 80px; }
.partition h2 { font-size: 15px; margin: 16px 0 4px; }
.partition h2 small { font-weight: normal; color: #666; margin-left: 8px; }
.scroll { overflow-x: auto; background: #fff; border: 1px solid #ddd; }
svg.timeline { display: block; font: 12px ui-monospace, Menlo, Consolas, monospace; }
.axis line, .axis .ticks { stroke: #999; fill: none; }
.noscript, .unpack-error { color: #b00020; padding: 0 16px; }
.axis text { fill: #666; font-size: 10px; text-anchor: middle; }
.axis .axis-name { text-anchor: start; }
.row-bg { fill: transparent; }
.rows rect:nth-of-type(2n) { fill: #f6f8fa; }
.client-label { fill: #555; font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
.op { cursor: pointer; }
.op rect { fill: #b9e8f7; stroke: #888; stroke-width: 1; }
.op text { text-anchor: middle; fill: #123; pointer-events: none; }
.op.in-prefix rect { fill: #9fe0b0; }
.op.stuck rect { stroke: #d00; stroke-width: 2; }
.op.open rect { stroke-dasharray: 5 3; fill-opacity: .6; }
.op:hover rect { stroke: #000; }
.op.selected rect { stroke: #000; stroke-width: 4; }
.partial { pointer-events: none; }
.lp { stroke: rgba(0,0,0,.55); stroke-width: 4; }
.lp-path { fill: none; stroke: rgba(0,0,0,.35); stroke-width: 2; }
.lp-bad { stroke: rgba(230,0,0,.7); stroke-width: 4; }
.bad-path { stroke: rgba(230,0,0,.45); stroke-width: 2; stroke-dasharray: 4 3; }
.fail-line { stroke: #d00; stroke-width: 2; stroke-dasharray: 6 4; }
.fail-label { fill: #d00; font-size: 11px; }
.op text.server-tag, .server-tag { fill: #5a2d82; color: #5a2d82; font-size: 10px; font-weight: 600; }
.fault line { stroke-width: 1.5; stroke-dasharray: 3 3; }
.fault text { font-size: 10px; }
.fault-partition line, .fault-heal line { stroke: #d35400; } .fault-partition text, .fault-heal text, span.fault-partition { fill: #d35400; color: #d35400; }
.fault-crash line { stroke: #b00020; } .fault-crash text, span.fault-crash { fill: #b00020; color: #b00020; }
.fault-restart line { stroke: #2e7d32; } .fault-restart text, span.fault-restart { fill: #2e7d32; color: #2e7d32; }
.fault-leader line { stroke: #1565c0; } .fault-leader text, span.fault-leader { fill: #1565c0; color: #1565c0; }
.fault-unreliable line, .fault-reliable line { stroke: #777; } .fault-unreliable text, .fault-reliable text, span.fault-unreliable { fill: #555; color: #555; }
#tooltip { position: fixed; z-index: 5; pointer-events: none; background: #fff; border: 1px solid #888; box-shadow: 0 2px 8px rgba(0,0,0,.2); padding: 6px 8px; max-width: 560px; font-size: 12px; }
#details { position: fixed; z-index: 4; right: 12px; bottom: 12px; background: #fffbe6; border: 1px solid #cc9; padding: 8px 10px; max-width: 560px; font-size: 12px; }
#details h3 { margin: 0 0 4px; font-size: 13px; }
table th { text-align: left; vertical-align: top; padding-right: 10px; color: #555; font-weight: 600; white-space: nowrap; }
table td { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
`;

export const CLIENT_SCRIPT = `
// Unpacks the data and the timelines (gzip, base64), draws them, then wires up the page.
(function () {
  var packed = document.getElementById('payload').textContent;
  var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  new Response(stream).text().then(function (text) {
    var payload = JSON.parse(text);
    document.querySelectorAll('.scroll[data-p]').forEach(function (box) {
      box.innerHTML = payload.svgs[Number(box.dataset.p)];
    });
    showReport(payload.data);
    document.body.dataset.ready = 'true';
  }).catch(function (e) {
    var p = document.createElement('p');
    p.className = 'unpack-error';
    p.textContent = 'This browser could not unpack the report (' + e + '): open it in a current Chromium, Firefox or Safari.';
    document.querySelector('main').prepend(p);
  });
})();
function showReport(data) {
  var tip = document.getElementById('tooltip');
  var details = document.getElementById('details');
  var jump = document.getElementById('jump');
  var pinned = null;
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function opEl(p, op) { return document.querySelector('.op[data-p="' + p + '"][data-op="' + op + '"]'); }
  function showPartial(p, k) {
    var svg = document.getElementById('timeline-' + p);
    var partial = data.partitions[p].partials[k];
    var inPrefix = new Set(partial ? partial.ops : []);
    var stuck = new Set(partial ? partial.stuck.map(function (s) { return s.op; }) : []);
    svg.querySelectorAll('.partial').forEach(function (g) { g.style.display = Number(g.dataset.k) === k ? '' : 'none'; });
    svg.querySelectorAll('.op').forEach(function (g) {
      var id = Number(g.dataset.op);
      g.classList.toggle('in-prefix', inPrefix.has(id));
      g.classList.toggle('stuck', stuck.has(id));
    });
  }
  // The prefix to show for an op: the longest one holding it, else one it could not extend.
  function partialFor(p, op) {
    var part = data.partitions[p];
    if (part.largest[op] >= 0) return part.largest[op];
    var k = part.partials.findIndex(function (x) { return x.stuck.some(function (s) { return s.op === op; }); });
    return k >= 0 ? k : 0;
  }
  function describe(p, op) {
    var part = data.partitions[p], o = part.ops[op], k = partialFor(p, op), partial = part.partials[k];
    var ms = function (t) { return Math.round(t) + ' ms (virtual)'; };
    var rows = [['operation', o.desc], ['client', o.client], ['call', ms(o.call)], ['return', o.ret === null ? 'never returned' : ms(o.ret)]];
    if (o.server !== undefined) rows.push(['answered by', o.server]);
    if (!partial) rows.push(['note', 'no linearizable prefix was recorded']);
    else {
      var pos = partial.ops.indexOf(op);
      var stuck = partial.stuck.find(function (s) { return s.op === op; });
      if (pos >= 0) {
        rows.push(['step', (pos + 1) + ' of ' + partial.ops.length + ' in prefix #' + (k + 1)]);
        rows.push(['state before', data.states[partial.states[pos]]]);
        rows.push(['state after', data.states[partial.states[pos + 1]]]);
      } else if (stuck) {
        rows.push(['step', 'could not follow prefix #' + (k + 1) + ' (' + partial.ops.length + ' steps)']);
        rows.push(['state before', data.states[partial.states[partial.ops.length]]]);
        rows.push(['state after', stuck.why === 'illegal' ? '\\u27e8illegal here\\u27e9' : '\\u27e8legal, but no linearization continues\\u27e9']);
      } else rows.push(['note', 'not part of a linearizable prefix shown']);
    }
    return '<table>' + rows.map(function (r) { return '<tr><th>' + esc(r[0]) + '</th><td>' + esc(r[1]) + '</td></tr>'; }).join('') + '</table>';
  }
  function place(e) {
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth) x = Math.max(0, e.clientX - tip.offsetWidth - 14);
    if (y + tip.offsetHeight > window.innerHeight) y = Math.max(0, e.clientY - tip.offsetHeight - 14);
    tip.style.left = x + 'px'; tip.style.top = y + 'px';
  }
  function unpin() {
    if (!pinned) return;
    var el = opEl(pinned.p, pinned.op);
    if (el) el.classList.remove('selected');
    showPartial(pinned.p, 0);
    pinned = null;
    details.hidden = true;
  }
  function select(p, op) {
    var again = pinned && pinned.p === p && pinned.op === op;
    unpin();
    if (again) return;
    pinned = { p: p, op: op };
    opEl(p, op).classList.add('selected');
    showPartial(p, partialFor(p, op));
    var label = data.partitions[p].label || 'whole history';
    details.innerHTML = '<h3>' + esc(label) + ', operation ' + op + '</h3>' + describe(p, op);
    details.hidden = false;
  }
  document.querySelectorAll('.op').forEach(function (g) {
    var p = Number(g.dataset.p), op = Number(g.dataset.op);
    g.addEventListener('mouseenter', function (e) {
      if (!pinned) showPartial(p, partialFor(p, op));
      tip.innerHTML = describe(p, op); tip.hidden = false; place(e);
    });
    g.addEventListener('mousemove', place);
    g.addEventListener('mouseleave', function () { tip.hidden = true; if (!pinned) showPartial(p, 0); });
    g.addEventListener('click', function (e) { e.stopPropagation(); select(p, op); });
  });
  document.addEventListener('click', function (e) { if (!details.contains(e.target) && e.target !== jump) unpin(); });
  // The first failure: the earliest illegal partition's longest prefix, and the op it ends with.
  var failing = document.querySelector('section.verdict-illegal');
  if (!failing) jump.hidden = true;
  function toFailure() {
    if (!failing) return;
    var p = Number(failing.dataset.p), partial = data.partitions[p].partials[0];
    var op = partial && partial.ops.length > 0 ? partial.ops[partial.ops.length - 1] : partial && partial.stuck.length > 0 ? partial.stuck[0].op : null;
    var line = failing.querySelector('.partial[data-k="0"] .fail-line');
    (line || failing).scrollIntoView({ block: 'center', inline: 'center' });
    if (op !== null) { unpin(); select(p, op); }
  }
  jump.addEventListener('click', function (e) { e.preventDefault(); toFailure(); });
  // Client labels stay at the left edge of a timeline scrolled sideways (to the failure, say).
  Array.prototype.forEach.call(document.querySelectorAll('.scroll'), function (box) {
    var labels = box.querySelectorAll('.client-label');
    box.addEventListener('scroll', function () {
      Array.prototype.forEach.call(labels, function (l) { l.setAttribute('transform', 'translate(' + box.scrollLeft + ',0)'); });
    });
  });
  // The page opens at the first failure, not at the start of the timeline.
  if (failing) requestAnimationFrame(toFailure);
}
`;
