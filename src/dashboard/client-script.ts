/**
 * The page's only script of its own, plain browser JavaScript kept as a string (no bundler). Two views:
 * the list (`#/`: a table of every canary, filtered by namespace, phase and name, sorted by any column)
 * and one canary (`#/canary/<namespace>/<name>`: charts from /api/canary drawn with uPlot, the verdicts,
 * the events as a timeline, and the action buttons when the server allows them). It polls and
 * re-renders; every value from a canary goes through esc() before it reaches innerHTML, and class names
 * come from fixed tables, never from canary fields. Outside a browser it only defines the render
 * functions, so tests can run them in node:vm.
 */
import { CLIENT_CHARTS } from './client-charts.js';
import { CLIENT_DETAIL } from './client-detail.js';
import { CLIENT_LIST } from './client-list.js';

const CLIENT_COMMON = String.raw`'use strict';
var POLL_MS = 2000;
var PHASE_CLASS = {
  Initializing: 'idle', Initialized: 'idle', Waiting: 'wait', WaitingPromotion: 'wait',
  Progressing: 'busy', Promoting: 'busy', Finalising: 'busy', Succeeded: 'ok', Failed: 'bad',
  Terminating: 'idle', Terminated: 'idle'
};
var DECISION_CLASS = { pass: 'ok', fail: 'bad', inconclusive: 'wait' };
var SHARE_CLASS = { consistent: 'ok', mismatch: 'bad', 'too-few': 'wait', unavailable: 'idle' };

function esc(value) {
  return String(value === undefined || value === null ? '' : value).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}

function num(value) {
  if (typeof value !== 'number' || !isFinite(value)) return esc(value === undefined ? '–' : value);
  return esc(Math.abs(value) >= 100 ? value.toFixed(0) : String(Math.round(value * 100) / 100));
}

function percent(value) {
  var n = Number(value);
  return isFinite(n) ? Math.max(0, Math.min(100, n)) : 0;
}

function ago(iso, now) {
  var t = Date.parse(iso);
  if (!iso || isNaN(t)) return '';
  var s = Math.max(0, Math.round((now - t) / 1000));
  var text = s < 120 ? s + 's ago' : s < 7200 ? Math.round(s / 60) + 'm ago' :
    s < 172800 ? Math.round(s / 3600) + 'h ago' : Math.round(s / 86400) + 'd ago';
  return '<time datetime="' + esc(iso) + '" title="' + esc(iso) + '">' + esc(text) + '</time>';
}

function keyOf(canary) {
  return (canary.namespace || '') + '/' + canary.name;
}

function detailHref(canary) {
  return '#/canary/' + encodeURIComponent(canary.namespace || '-') + '/' + encodeURIComponent(canary.name);
}

function renderBanner(error) {
  return error ? '<div class="banner">' + esc(error) + '</div>' : '';
}

function weightBar(canary) {
  var phaseClass = PHASE_CLASS[canary.phase] || 'idle';
  var weight = percent(canary.canaryWeight);
  var max = canary.maxWeight === undefined ? undefined : percent(canary.maxWeight);
  return '<div class="bar" title="canary weight"><div class="fill ' + phaseClass + '" style="width:' + weight + '%"></div>' +
    (max === undefined ? '' : '<div class="max" style="left:' + max + '%" title="max weight ' + max + '%"></div>') +
    '</div><span class="weight">canary ' + weight + '%' + (max === undefined ? '' : ' <span class="muted">of ' + max + '%</span>') + '</span>';
}
`;

const CLIENT_MAIN = String.raw`
if (typeof document !== 'undefined') {
  var state = { list: { namespace: '', phase: '', text: '', sort: 'name', desc: false }, charts: {}, route: '' };
  var timer;

  var route = function () {
    var match = /^#\/canary\/([^/]+)\/([^/]+)$/.exec(location.hash);
    return match ? { namespace: decodeURIComponent(match[1]) === '-' ? '' : decodeURIComponent(match[1]), name: decodeURIComponent(match[2]) } : undefined;
  };

  var show = function (snapshot) {
    document.getElementById('source').textContent = snapshot.source;
    document.getElementById('updated').textContent = 'updated ' + new Date(snapshot.generatedAt).toLocaleTimeString();
    document.getElementById('banner').innerHTML = renderBanner(snapshot.error);
  };

  var poll = function () {
    clearTimeout(timer);
    var target = route();
    var url = target ? '/api/canary?namespace=' + encodeURIComponent(target.namespace) + '&name=' + encodeURIComponent(target.name) : '/api/canaries';
    fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(POLL_MS * 4) })
      .then(function (res) { return res.json(); })
      .then(function (body) {
        // The user moved to another view while this answer was on its way.
        if (JSON.stringify(target) !== JSON.stringify(route())) return;
        show(body);
        // An error keeps the last view on screen under the banner; it is stale, not gone.
        if (body.error) return;
        if (target) showDetail(body, Date.now());
        else showList(body, Date.now());
      })
      .catch(function (err) {
        document.getElementById('banner').innerHTML = renderBanner('the dashboard server did not answer: ' + err.message);
      })
      .finally(function () { timer = setTimeout(poll, POLL_MS); });
  };

  window.addEventListener('hashchange', function () {
    destroyCharts(state.charts);
    document.getElementById('view').innerHTML = '<p class="muted">loading…</p>';
    poll();
  });
  poll();
}
`;

export const CLIENT_SCRIPT = [CLIENT_COMMON, CLIENT_LIST, CLIENT_CHARTS, CLIENT_DETAIL, CLIENT_MAIN].join(
  '\n',
);
