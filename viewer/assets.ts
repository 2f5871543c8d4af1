// The run viewer's inline style sheet and script. The script reads `data` (ViewerData, embedded in
// the page) and draws the chart as SVG, only what is in view, again after every zoom or pan; it is
// plain browser JavaScript kept as a string, since this project's TypeScript is compiled for Node
// without DOM types.

export const STYLE = `
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #fff; border-bottom: 1px solid #ccc; padding: 6px 14px; }
h1 { font-size: 17px; margin: 0 0 2px; }
h1 small { font-weight: normal; color: #666; font-size: 13px; margin-left: 6px; }
header p { margin: 3px 0; }
#failure { color: #b00020; }
#failure.passed { color: #126b2f; }
#failure .at { color: #555; }
#note { color: #8a5a00; }
#controls { margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; }
#controls button { font: inherit; padding: 1px 8px; cursor: pointer; }
#range { color: #555; font-variant-numeric: tabular-nums; }
#topics label { white-space: nowrap; margin-right: 8px; cursor: pointer; }
#topics .sw { display: inline-block; width: 14px; height: 4px; vertical-align: middle; margin: 0 3px 0 1px; }
#topics .n { color: #888; font-size: 11px; }
.legend { font-size: 12px; color: #555; }
.legend .role { display: inline-block; padding: 0 5px; border-radius: 2px; font-size: 11px; margin: 0 2px; }
.r0 { fill: #dde6ef; background: #dde6ef; }
.r1 { fill: #ffcf70; background: #ffcf70; }
.r2 { fill: #4caf50; background: #4caf50; color: #fff; }
.r3 { fill: #555; background: #555; color: #fff; }
#chart { position: relative; overflow: hidden; background: #fff; border-bottom: 1px solid #ddd; cursor: grab; user-select: none; }
#chart.dragging { cursor: grabbing; }
svg#plot { display: block; font: 11px system-ui, sans-serif; }
.lane-bg:nth-child(2n) { fill: #f7f9fb; }
.lane-bg { fill: #fff; }
.lane-line { stroke: #d8dde3; stroke-width: 1; }
.lane-name { font-weight: 600; font-size: 13px; fill: #222; }
.lane-sub { font-size: 10px; fill: #777; }
.gutter { fill: #fff; }
.band-text { font-size: 10px; fill: #222; pointer-events: none; }
.band-text.light { fill: #fff; }
.cut { fill: url(#hatch); }
.cut-text { font-size: 10px; fill: #b00020; pointer-events: none; }
.axis line { stroke: #bbb; }
.axis text { fill: #555; font-size: 10px; text-anchor: middle; }
.axis .grid { stroke: #eef0f3; }
.axis-name { fill: #777; font-size: 10px; }
.msg { cursor: pointer; }
.msg .hit { stroke: transparent; stroke-width: 9; }
.bulk { fill: none; stroke-width: 0.8; stroke-opacity: .7; }
.bulk.rep { stroke-width: 0.5; stroke-opacity: .4; }
.bulk.lost { stroke: #888; stroke-dasharray: 4 3; }
.msg .ln { stroke-width: 1.3; fill: none; }
.msg.rep .ln { stroke-width: 0.8; stroke-opacity: .55; }
.msg.lost .ln { stroke-dasharray: 4 3; }
.msg:hover .ln { stroke-width: 2.6; stroke-opacity: 1; }
.msg.sel .ln { stroke: #000 !important; stroke-width: 3; stroke-opacity: 1; }
.msg.sel .head { fill: #000 !important; }
.x { stroke: #d00; stroke-width: 1.8; }
.log { cursor: pointer; }
.log text, .log line { font-size: 10px; pointer-events: none; }
.log.sel text { font-weight: bold; fill: #000; }
.ev { cursor: pointer; }
.ev text { font-size: 10px; fill: #333; pointer-events: none; }
.ev-crash line, .ev-restart line { stroke-width: 2; }
.ev-crash line { stroke: #c00; }
.ev-crash text { fill: #c00; font-weight: 600; }
.ev-restart line { stroke: #1565c0; }
.ev-restart text { fill: #1565c0; font-weight: 600; }
.ev-partition path { fill: #c62828; }
.ev-partition text { fill: #c62828; }
.ev-heal path { fill: #2e7d32; }
.ev-heal text { fill: #2e7d32; }
.ev-net path { fill: #6a1b9a; }
.ev-test path { fill: #444; }
.fail-line { stroke: #d00; stroke-width: 2; stroke-dasharray: 6 3; }
.fail-label rect { fill: #d00; }
.fail-label text { fill: #fff; font-size: 11px; font-weight: 600; }
#tip { position: fixed; z-index: 5; max-width: 640px; background: #222; color: #fff; font-size: 12px; padding: 4px 7px; border-radius: 3px; pointer-events: none; white-space: pre-wrap; }
#details { position: fixed; right: 10px; bottom: 10px; z-index: 4; width: min(720px, calc(100vw - 20px)); max-height: 45vh; overflow: auto; background: #fff; border: 1px solid #999; box-shadow: 0 2px 10px rgba(0,0,0,.2); padding: 8px 12px; font-size: 12px; }
#details h3 { margin: 0 0 4px; font-size: 13px; }
#details .close { float: right; cursor: pointer; border: 0; background: none; font-size: 16px; line-height: 1; }
#details table { border-collapse: collapse; }
#details th { text-align: left; color: #555; font-weight: normal; padding: 1px 10px 1px 0; vertical-align: top; white-space: nowrap; }
#details td { padding: 1px 0; }
#details code { font: 12px ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
.lostword { color: #c00; font-weight: 600; }
`;

export const SCRIPT = `
(function () {
  'use strict';
  var D = data, S = D.strings;
  var ROLES = ['follower', 'candidate', 'leader', 'down'];
  var COLOURS = { election: '#d98c00', heartbeat: '#8fa9bf', append: '#1f6fd1', snapshot: '#9c27b0',
    apply: '#2e7d32', persist: '#3949ab', client: '#00897b', config: '#5e35b1', shard: '#c2185b',
    rpc: '#666', timer: '#999', info: '#555', console: '#a0522d' };
  var EXTRA = ['#6d4c41', '#00838f', '#7cb342', '#ad1457', '#283593'];
  function colour(topic) {
    if (COLOURS[topic]) return COLOURS[topic];
    var h = 0;
    for (var i = 0; i < topic.length; i++) h = (h * 31 + topic.charCodeAt(i)) >>> 0;
    return EXTRA[h % EXTRA.length];
  }
  var swatches = document.querySelectorAll('[data-sw]');
  for (var q = 0; q < swatches.length; q++) swatches[q].style.background = colour(swatches[q].getAttribute('data-sw'));
  var chart = document.getElementById('chart');
  var svg = document.getElementById('plot');
  var tip = document.getElementById('tip');
  var details = document.getElementById('details');
  var rangeText = document.getElementById('range');
  var GUTTER = 92, RIGHT = 14, AXIS = 22, RUNROW = 56, LANE = 74, TOP = AXIS + RUNROW;
  var H = TOP + D.lanes.length * LANE + 6;
  var W = 800, v0 = D.openFrom, v1 = D.failAt;
  var hidden = {}, showReplies = true, sel = null;
  var MIN_SPAN = 2;

  function laneTop(l) { return TOP + l * LANE; }
  function laneY(l) { return laneTop(l) + 32; }
  function plotW() { return W - GUTTER - RIGHT; }
  function X(t) { return GUTTER + (t - v0) * plotW() / (v1 - v0); }
  function T(x) { return v0 + (x - GUTTER) * (v1 - v0) / plotW(); }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }
  function fmt(t) {
    if (Math.abs(t) < 1e-6) t = 0;
    return (Math.round(t * 1000) / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 });
  }
  function ms(t) { return fmt(t) + ' ms'; }
  function f1(n) { return Math.round(n * 10) / 10; }
  function laneName(l) { return l >= 0 ? D.lanes[l].label : '?'; }
  function nodeLabel(n) { return /^\\d+$/.test(n) ? 'S' + n : n; }
  function cut(text, n) { return text.length <= n ? text : text.slice(0, n - 1) + '\\u2026'; }

  function fitView(a, b) {
    var span = Math.max(MIN_SPAN, b - a);
    var whole = Math.max(D.to - D.from, MIN_SPAN);
    span = Math.min(span, whole * 1.2 + 20);
    var mid = (a + b) / 2;
    var lo = D.from - whole * 0.1 - 10, hi = D.to + whole * 0.1 + 10;
    mid = Math.max(lo + span / 2, Math.min(hi - span / 2, mid));
    if (hi - lo < span) mid = (lo + hi) / 2;
    v0 = mid - span / 2;
    v1 = mid + span / 2;
  }
  function openAtFailure() {
    var span = Math.max(D.failAt - D.openFrom, MIN_SPAN);
    fitView(D.openFrom, D.failAt + span * 0.08);
  }

  var measure = document.createElement('canvas').getContext('2d');
  function textWidth(text, font) {
    measure.font = font;
    return measure.measureText(text).width;
  }

  function niceStep(span, n) {
    var raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  function arrowHead(x1, y1, x2, y2, size, fill) {
    var a = Math.atan2(y2 - y1, x2 - x1), s = size;
    var p1x = x2 - s * Math.cos(a - 0.45), p1y = y2 - s * Math.sin(a - 0.45);
    var p2x = x2 - s * Math.cos(a + 0.45), p2y = y2 - s * Math.sin(a + 0.45);
    return '<path class="head" fill="' + fill + '" d="M' + f1(x2) + ' ' + f1(y2) + 'L' + f1(p1x) + ' ' + f1(p1y) +
      'L' + f1(p2x) + ' ' + f1(p2y) + 'Z"/>';
  }
  function cross(x, y) {
    return '<path class="x" d="M' + f1(x - 4) + ' ' + f1(y - 4) + 'L' + f1(x + 4) + ' ' + f1(y + 4) +
      'M' + f1(x - 4) + ' ' + f1(y + 4) + 'L' + f1(x + 4) + ' ' + f1(y - 4) + '"/>';
  }
  function line(x1, y1, x2, y2, stroke) {
    return '<line x1="' + f1(x1) + '" y1="' + f1(y1) + '" x2="' + f1(x2) + '" y2="' + f1(y2) + '"' +
      (stroke ? ' class="ln" stroke="' + stroke + '"' : ' class="hit"') + '/>';
  }

  /** Where a message's ends are drawn: y of the receiving lane (offset when it is the sender's). */
  function targetY(m) {
    var y1 = laneY(m[1]);
    if (m[2] < 0) return y1 + 18;
    return m[2] === m[1] ? y1 + 14 : laneY(m[2]);
  }

  /** Messages in view, in order. */
  function visibleMessages() {
    var list = [];
    for (var i = 0; i < D.msgs.length; i++) {
      var m = D.msgs[i];
      if (hidden[D.topics[m[8]]]) continue;
      var last = Math.max(m[3], m[4], m[5], m[6] === 2 ? D.to : m[3]);
      if (last >= v0 && m[3] <= v1) list.push(i);
    }
    return list;
  }

  /** Where a message's request is drawn: to the receiver, or a stub if it never left. */
  function requestLine(m) {
    var y1 = laneY(m[1]), y2 = targetY(m), x1 = X(m[3]);
    var why = m[11] >= 0 ? S[m[11]] : '';
    if (m[4] >= 0 || why === 'request lost') return [x1, y1, X(m[4] >= 0 ? m[4] : m[5]), y2, false];
    return [x1, y1, x1 + 10, y1 + (y2 - y1) * 0.25, true];
  }

  /**
   * Replies below requests, heartbeats below the rest: the rarer an arrow, the more on top. More
   * than DETAIL arrows in view are drawn as one path per topic, without arrowheads or clicks.
   */
  var DETAIL = 1000;
  function drawMessages(out) {
    var list = visibleMessages();
    if (list.length > DETAIL) return drawBulk(out, list);
    var replies = [], beats = [], rest = [];
    for (var k = 0; k < list.length; k++) {
      var i = list[k], m = D.msgs[i];
      var topic = D.topics[m[8]], dl = m[4], end = m[5], outcome = m[6];
      var c = colour(topic), isSel = sel && sel.k === 'm' && sel.i === i;
      var tattr = ' data-topic="' + esc(topic) + '"';
      var cls = ' class="msg req' + (dl < 0 ? ' lost' : '') + (isSel ? ' sel' : '') + '" data-m="' + i + '"' + tattr + '>';
      var req = topic === 'heartbeat' ? beats : rest;
      var r = requestLine(m), x1 = r[0], y1 = r[1], x2 = r[2], y2 = r[3];
      if (!r[4]) {
        // Delivered, or lost on the way (when it would have arrived): an arrow to the receiver.
        req.push('<g' + cls + line(x1, y1, x2, y2) + line(x1, y1, x2, y2, dl >= 0 ? c : '#888') +
          (dl >= 0 ? arrowHead(x1, y1, x2, y2, 7, c) : cross(x2, y2)) + '</g>');
      } else {
        // Never left the caller (its end was disabled or unconnected), or still in flight: a stub.
        req.push('<g' + cls + line(x1, y1, x2, y2) + line(x1, y1, x2, y2, '#888') +
          (outcome === 1 ? cross(x2, y2) : '') + '</g>');
      }
      if (dl >= 0 && outcome !== 2 && showReplies) {
        var x3 = X(end);
        if (outcome === 0)
          replies.push('<g class="msg rep' + (isSel ? ' sel' : '') + '" data-m="' + i + '"' + tattr + '>' + line(x2, y2, x3, y1) +
            line(x2, y2, x3, y1, c) + arrowHead(x2, y2, x3, y1, 5, c) + '</g>');
        else
          replies.push('<g class="msg rep lost' + (isSel ? ' sel' : '') + '" data-m="' + i + '"' + tattr + '>' + line(x2, y2, x3, y1) +
            line(x2, y2, x3, y1, '#888') + cross(x3, y1) + '</g>');
      }
    }
    out.push(replies.join(''), beats.join(''), rest.join(''));
    return list.length;
  }

  function drawBulk(out, list) {
    var paths = {}, order = [];
    function add(key, d) {
      if (!paths[key]) { paths[key] = []; order.push(key); }
      paths[key].push(d);
    }
    for (var k = 0; k < list.length; k++) {
      var m = D.msgs[list[k]], topic = D.topics[m[8]], r = requestLine(m);
      var seg = 'M' + f1(r[0]) + ' ' + f1(r[1]) + 'L' + f1(r[2]) + ' ' + f1(r[3]);
      add(m[4] >= 0 ? 'req ' + topic : 'lost', seg);
      if (m[4] >= 0 && m[6] !== 2 && showReplies)
        add(m[6] === 0 ? 'rep ' + topic : 'lost', 'M' + f1(r[2]) + ' ' + f1(r[3]) + 'L' + f1(X(m[5])) + ' ' + f1(r[1]));
    }
    order.sort(function (a, b) { return (a[0] === 'r' && a[2] === 'p' ? 0 : 1) - (b[0] === 'r' && b[2] === 'p' ? 0 : 1); });
    for (var j = 0; j < order.length; j++) {
      var key = order[j], topic2 = key.slice(4);
      var cls = key === 'lost' ? 'bulk lost' : key.slice(0, 3) === 'rep' ? 'bulk rep' : 'bulk';
      out.push('<path class="' + cls + '"' + (key === 'lost' ? '' : ' data-topic="' + esc(topic2) + '" stroke="' + colour(topic2) + '"') +
        ' d="' + paths[key].join('') + '"/>');
    }
    return -list.length;
  }

  function drawBands(out) {
    for (var i = 0; i < D.bands.length; i++) {
      var b = D.bands[i];
      if (b[2] < v0 || b[1] > v1) continue;
      // The state a server ended in stays drawn a little past the end of the run.
      var xa = Math.max(X(b[1]), GUTTER - 2), xb = Math.min(X(b[2]) + (b[2] >= D.to ? 36 : 0), W);
      var w = xb - xa, y = laneTop(b[0]) + 3;
      if (w < 0.3) continue;
      out.push('<rect class="band r' + b[3] + '" data-b="' + i + '" x="' + f1(xa) + '" y="' + y + '" width="' + f1(Math.max(w, 1)) +
        '" height="15"/>');
      var term = b[4] >= 0 ? 'term ' + b[4] : 'term ?';
      var label = w > 110 ? ROLES[b[3]] + ', ' + term : w > 40 ? (b[3] === 3 ? 'down' : ROLES[b[3]][0].toUpperCase() + (b[4] >= 0 ? b[4] : '?')) : '';
      if (label)
        out.push('<text class="band-text' + (b[3] >= 2 ? ' light' : '') + '" x="' + f1(Math.max(xa, GUTTER) + 4) + '" y="' + (y + 11) + '">' + esc(label) + '</text>');
    }
    for (var j = 0; j < D.cuts.length; j++) {
      var c = D.cuts[j];
      if (c[2] < v0 || c[1] > v1) continue;
      var ca = Math.max(X(c[1]), GUTTER), cb = Math.min(X(c[2]), W);
      if (cb - ca < 0.5) continue;
      var top = laneTop(c[0]) + 19;
      out.push('<rect class="cut" data-c="' + j + '" x="' + f1(ca) + '" y="' + top + '" width="' + f1(cb - ca) + '" height="' + (LANE - 22) + '"/>');
      if (cb - ca > 90)
        out.push('<text class="cut-text" x="' + f1(ca + 4) + '" y="' + (laneTop(c[0]) + LANE - 6) + '">' + esc(cut('cut off from ' + S[c[3]], Math.floor((cb - ca) / 6))) + '</text>');
    }
  }

  function drawLogs(out) {
    var rows = {};
    for (var i = 0; i < D.logs.length; i++) {
      var g = D.logs[i];
      if (g[1] < v0 || g[1] > v1) continue;
      var topic = D.topics[g[2]];
      if (hidden[topic]) continue;
      var x = X(g[1]), y = laneY(g[0]), c = colour(topic), isSel = sel && sel.k === 'l' && sel.i === i;
      var r = rows[g[0]] || (rows[g[0]] = [-1e9, -1e9]);
      var text = S[g[3]], row = -1;
      for (var k = 0; k < r.length; k++) if (x > r[k] + 4) { row = k; break; }
      var s = '<g class="log' + (isSel ? ' sel' : '') + '" data-l="' + i + '" data-topic="' + esc(topic) + '"><rect x="' + f1(x - 2.5) + '" y="' + (y - 2.5) + '" width="5" height="5" fill="' + c + '" transform="rotate(45 ' + f1(x) + ' ' + y + ')"/>';
      if (row >= 0) {
        var label = cut(text, 44), ty = y + 16 + row * 12;
        r[row] = x + label.length * 5.6;
        s += '<line x1="' + f1(x) + '" y1="' + (y + 3) + '" x2="' + f1(x) + '" y2="' + (ty - 8) + '" stroke="' + c + '" stroke-width="0.6"/>' +
          '<text x="' + f1(x + 2) + '" y="' + ty + '" fill="' + c + '">' + esc(label) + '</text>';
      }
      out.push(s + '</g>');
    }
  }

  function drawEvents(out) {
    var rowEnd = [-1e9, -1e9];
    for (var i = 0; i < D.events.length; i++) {
      var e = D.events[i];
      if (e[0] < v0 || e[0] > v1) continue;
      var kind = S[e[2]], text = S[e[3]], x = X(e[0]);
      if (e[1] >= 0) {
        var top = laneTop(e[1]);
        out.push('<g class="ev ev-' + kind + '" data-e="' + i + '"><line x1="' + f1(x) + '" y1="' + (top + 2) + '" x2="' + f1(x) + '" y2="' + (top + LANE - 2) + '"/>' +
          // Between the role band and the message line: a crash to the left, a restart to the right.
          '<text x="' + f1(kind === 'crash' ? x - 3 : x + 3) + '" y="' + (top + 29) + '"' + (kind === 'crash' ? ' text-anchor="end"' : '') + '>' + esc(kind) + '</text></g>');
        continue;
      }
      var y = AXIS + 9, row = -1;
      for (var k = 0; k < rowEnd.length; k++) if (x > rowEnd[k] + 6) { row = k; break; }
      var s = '<g class="ev ev-' + kind + '" data-e="' + i + '"><path d="M' + f1(x) + ' ' + (y + 5) + 'l-4.5 -7h9z"/>';
      if (row >= 0) {
        var label = cut(text, 60);
        rowEnd[row] = x + 4 + textWidth(label, '10px system-ui, sans-serif');
        s += '<text x="' + f1(x + 4) + '" y="' + (y + 12 + row * 12) + '">' + esc(label) + '</text>';
      }
      out.push(s + '</g>');
    }
  }

  function drawAxis(out) {
    var step = niceStep(v1 - v0, Math.max(2, plotW() / 110));
    out.push('<g class="axis">');
    for (var t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
      var x = X(t);
      if (x < GUTTER) continue;
      out.push('<line class="grid" x1="' + f1(x) + '" y1="' + AXIS + '" x2="' + f1(x) + '" y2="' + H + '"/>' +
        '<line x1="' + f1(x) + '" y1="' + (AXIS - 5) + '" x2="' + f1(x) + '" y2="' + AXIS + '"/>' +
        '<text x="' + f1(x) + '" y="' + (AXIS - 8) + '">' + fmt(t) + '</text>');
    }
    out.push('<line x1="' + GUTTER + '" y1="' + AXIS + '" x2="' + W + '" y2="' + AXIS + '"/></g>');
  }

  function drawFailure(out) {
    if (D.passed) return;
    var x = X(D.failAt);
    if (x < GUTTER - 1 || x > W + 1) return;
    out.push('<line class="fail-line" x1="' + f1(x) + '" y1="' + AXIS + '" x2="' + f1(x) + '" y2="' + H + '"/>');
    var text = '\\u2716 ' + (D.check ? '[' + D.check + '] ' : '') + (D.message || 'failed');
    var room = Math.max(x - GUTTER - 8, W - x - 8);
    while (text.length > 12 && textWidth(text, '600 11px system-ui, sans-serif') + 10 > room) text = cut(text, text.length - 4);
    var w = textWidth(text, '600 11px system-ui, sans-serif') + 10, left = x - w >= GUTTER ? x - w : x;
    out.push('<g class="fail-label" id="fail-label"><rect x="' + f1(left) + '" y="' + (TOP - 16) + '" width="' + f1(w) + '" height="15" rx="2"/>' +
      '<text x="' + f1(left + 5) + '" y="' + (TOP - 5) + '">' + esc(text) + '</text></g>');
  }

  function drawGutter(out) {
    out.push('<rect class="gutter" x="0" y="0" width="' + (GUTTER - 2) + '" height="' + H + '"/>');
    out.push('<text class="axis-name" x="6" y="' + (AXIS - 8) + '">virtual ms</text>');
    out.push('<text class="lane-sub" x="6" y="' + (AXIS + 20) + '">the run</text>');
    for (var l = 0; l < D.lanes.length; l++) {
      var top = laneTop(l), lane = D.lanes[l];
      out.push('<text class="lane-name" x="8" y="' + (top + 36) + '">' + esc(cut(lane.label, 13)) + '</text>');
      if (!lane.server) out.push('<text class="lane-sub" x="8" y="' + (top + 50) + '">calls only</text>');
    }
  }

  function render() {
    W = Math.max(420, chart.clientWidth);
    var out = ['<defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<line x1="0" y1="0" x2="0" y2="8" stroke="#f6caca" stroke-width="2"/></pattern></defs>'];
    for (var l = 0; l < D.lanes.length; l++)
      out.push('<rect class="lane-bg" x="0" y="' + laneTop(l) + '" width="' + W + '" height="' + LANE + '"/>');
    drawAxis(out);
    drawBands(out);
    for (var k = 0; k < D.lanes.length; k++)
      out.push('<line class="lane-line" x1="' + GUTTER + '" y1="' + laneY(k) + '" x2="' + W + '" y2="' + laneY(k) + '"/>');
    drawEvents(out);
    var drawn = drawMessages(out);
    drawLogs(out);
    drawFailure(out);
    drawGutter(out);
    svg.setAttribute('width', W);
    svg.setAttribute('height', H);
    svg.innerHTML = out.join('');
    rangeText.textContent = 'view: ' + ms(Math.max(v0, 0)) + ' \\u2013 ' + ms(v1) + ' (' + fmt(v1 - v0) + ' ms wide; ' +
      (drawn >= 0 ? drawn + ' messages)' : -drawn + ' messages: zoom in to pick one)');
  }
  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  }

  // ---- zoom and pan ----
  function zoom(factor, at) {
    var t = at === undefined ? (v0 + v1) / 2 : at;
    fitView(t - (t - v0) * factor, t + (v1 - t) * factor);
    later();
  }
  chart.addEventListener('wheel', function (e) {
    e.preventDefault();
    var rect = svg.getBoundingClientRect();
    if (Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey) {
      var d = (e.shiftKey ? e.deltaY : e.deltaX) * (v1 - v0) / plotW();
      fitView(v0 + d, v1 + d);
      later();
    } else zoom(Math.exp(e.deltaY * 0.0015), T(e.clientX - rect.left));
  }, { passive: false });
  var drag = null;
  chart.addEventListener('pointerdown', function (e) {
    if (e.button !== 0) return;
    drag = { x: e.clientX, v0: v0, v1: v1, moved: false };
  });
  window.addEventListener('pointermove', function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) { drag.moved = true; chart.classList.add('dragging'); }
    if (!drag.moved) return;
    var d = -dx * (drag.v1 - drag.v0) / plotW();
    fitView(drag.v0 + d, drag.v1 + d);
    later();
  });
  window.addEventListener('pointerup', function () {
    if (drag && drag.moved) { chart.classList.remove('dragging'); justDragged = true; setTimeout(function () { justDragged = false; }, 0); }
    drag = null;
  });
  var justDragged = false;
  document.getElementById('to-failure').onclick = function () { openAtFailure(); later(); };
  document.getElementById('whole').onclick = function () {
    var pad = (D.to - D.from) * 0.02 + 5;
    fitView(D.from - pad, D.to + pad);
    later();
  };
  document.getElementById('zoom-in').onclick = function () { zoom(1 / 1.6); };
  document.getElementById('zoom-out').onclick = function () { zoom(1.6); };
  document.getElementById('left').onclick = function () { var d = (v1 - v0) * 0.4; fitView(v0 - d, v1 - d); later(); };
  document.getElementById('right').onclick = function () { var d = (v1 - v0) * 0.4; fitView(v0 + d, v1 + d); later(); };
  window.addEventListener('keydown', function (e) {
    if (e.target && e.target.tagName === 'INPUT') return;
    if (e.key === '+' || e.key === '=') zoom(1 / 1.6);
    else if (e.key === '-') zoom(1.6);
    else if (e.key === 'ArrowLeft') document.getElementById('left').click();
    else if (e.key === 'ArrowRight') document.getElementById('right').click();
    else if (e.key === 'Escape') { sel = null; details.hidden = true; later(); }
  });
  window.addEventListener('resize', later);

  // ---- filters ----
  var boxes = document.querySelectorAll('#topics input[data-topic]');
  for (var b = 0; b < boxes.length; b++)
    boxes[b].addEventListener('change', function (e) {
      hidden[e.target.getAttribute('data-topic')] = !e.target.checked;
      render();
    });
  document.getElementById('replies').addEventListener('change', function (e) {
    showReplies = e.target.checked;
    render();
  });

  // ---- what an element is: tooltip and details ----
  function msgRows(m) {
    var rows = [['from', esc(nodeLabel(S[m[12]]) + ' \\u2192 ' + nodeLabel(S[m[13]]))], ['sent', ms(m[3])]];
    var why = m[11] >= 0 ? S[m[11]] : '';
    if (m[4] >= 0) rows.push(['delivered', ms(m[4])]);
    if (m[6] === 0) rows.push(['reply arrived', ms(m[5]) + (why ? ' (' + esc(why) + ')' : '')]);
    else if (m[6] === 1) rows.push(['lost', '<span class="lostword">' + esc(why) + '</span> (the caller learns at ' + ms(m[5]) + ')']);
    else rows.push(['outcome', 'none before the run ended']);
    return rows;
  }
  function describe(el) {
    var i;
    if ((i = el.getAttribute('data-m')) !== null) {
      var m = D.msgs[+i];
      return { k: 'm', i: +i, title: '#' + m[0] + ' ' + S[m[7]] + ' ' + nodeLabel(S[m[12]]) + ' \\u2192 ' + nodeLabel(S[m[13]]),
        short: 'args ' + cut(S[m[9]], 120) + (m[10] >= 0 ? '\\nreply ' + cut(S[m[10]], 120) : m[6] === 1 ? '\\nlost: ' + S[m[11]] : ''),
        rows: msgRows(m).concat([['topic', esc(D.topics[m[8]])], ['arguments', '<code class="args">' + esc(S[m[9]] || '(not kept: replay with RPC contents)') + '</code>'],
          ['reply', m[10] >= 0 ? '<code class="reply">' + esc(S[m[10]]) + '</code>' : '\\u2014']]) };
    }
    if ((i = el.getAttribute('data-l')) !== null) {
      var g = D.logs[+i];
      return { k: 'l', i: +i, title: laneName(g[0]) + ' [' + D.topics[g[2]] + '] at ' + ms(g[1]), short: S[g[3]],
        rows: [['log', '<code>' + esc(S[g[3]]) + '</code>']] };
    }
    if ((i = el.getAttribute('data-e')) !== null) {
      var e = D.events[+i];
      return { k: 'e', i: +i, title: (e[1] >= 0 ? laneName(e[1]) + ': ' : '') + S[e[3]] + ' at ' + ms(e[0]), short: '', rows: [] };
    }
    if ((i = el.getAttribute('data-b')) !== null) {
      var b = D.bands[+i];
      return { k: 'b', i: +i, title: laneName(b[0]) + ': ' + ROLES[b[3]] + (b[4] >= 0 ? ', term ' + b[4] : '') + ', ' + ms(b[1]) + ' \\u2013 ' + ms(b[2]), short: '', rows: [] };
    }
    if ((i = el.getAttribute('data-c')) !== null) {
      var c = D.cuts[+i];
      return { k: 'c', i: +i, title: laneName(c[0]) + ' cut off from ' + S[c[3]] + ', ' + ms(c[1]) + ' \\u2013 ' + ms(c[2]), short: '', rows: [] };
    }
    return null;
  }
  function target(node) {
    while (node && node !== svg) {
      if (node.getAttribute && (node.hasAttribute('data-m') || node.hasAttribute('data-l') || node.hasAttribute('data-e') ||
        node.hasAttribute('data-b') || node.hasAttribute('data-c'))) return node;
      node = node.parentNode;
    }
    return null;
  }
  svg.addEventListener('mousemove', function (e) {
    if (drag && drag.moved) { tip.hidden = true; return; }
    var el = target(e.target), d = el && describe(el);
    if (!d) { tip.hidden = true; return; }
    tip.textContent = d.title + (d.short ? '\\n' + d.short : '');
    tip.hidden = false;
    var x = Math.min(e.clientX + 12, window.innerWidth - tip.offsetWidth - 8);
    var y = e.clientY + 16 + tip.offsetHeight > window.innerHeight ? e.clientY - tip.offsetHeight - 8 : e.clientY + 16;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
  svg.addEventListener('mouseleave', function () { tip.hidden = true; });
  svg.addEventListener('click', function (e) {
    if (justDragged) return;
    var el = target(e.target), d = el && describe(el);
    if (!d) { sel = null; details.hidden = true; render(); return; }
    sel = { k: d.k, i: d.i };
    details.innerHTML = '<button class="close" title="close (Esc)">\\u00d7</button><h3>' + esc(d.title) + '</h3>' +
      (d.rows.length ? '<table>' + d.rows.map(function (r) { return '<tr><th>' + r[0] + '</th><td>' + r[1] + '</td></tr>'; }).join('') + '</table>' : '');
    details.hidden = false;
    details.querySelector('.close').onclick = function () { sel = null; details.hidden = true; render(); };
    render();
  });

  openAtFailure();
  render();
  window.viewer = { view: function () { return [v0, v1]; }, show: function (a, b) { fitView(a, b); render(); } };
})();
`;
