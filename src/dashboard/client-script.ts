/**
 * The page's only script, plain browser JavaScript kept as a string (no bundler). It polls
 * /api/canaries and renders; every value from a canary goes through esc() before it reaches innerHTML,
 * and class names come from fixed tables, never from canary fields. Outside a browser it only defines
 * the render functions, so tests can run them in node:vm.
 */
export const CLIENT_SCRIPT = String.raw`'use strict';
var POLL_MS = 2000;
var PHASE_CLASS = {
  Initializing: 'idle', Initialized: 'idle', Waiting: 'wait', WaitingPromotion: 'wait',
  Progressing: 'busy', Promoting: 'busy', Finalising: 'busy', Succeeded: 'ok', Failed: 'bad',
  Terminating: 'idle', Terminated: 'idle'
};
var DECISION_CLASS = { pass: 'ok', fail: 'bad', inconclusive: 'wait' };

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

function renderCheck(check) {
  var decision = DECISION_CLASS[check.decision] || 'idle';
  var samples = check.samples === undefined ? '' : 'n=' + num(check.samples);
  if (check.primarySamples !== undefined) samples += ' / n=' + num(check.primarySamples);
  return '<tr class="check">' +
    '<td class="check-name">' + esc(check.name) + '</td>' +
    '<td><span class="pill ' + decision + '">' + esc(check.decision) + '</span></td>' +
    '<td class="n">' + num(check.value) + '</td>' +
    '<td class="n">' + (check.primaryValue === undefined ? '' : num(check.primaryValue)) + '</td>' +
    '<td class="n">' + samples + '</td>' +
    '<td>' + esc(check.threshold) + '</td>' +
    '<td class="msg">' + esc(check.message) + '</td></tr>';
}

function renderEvents(canary, now) {
  var events = canary.events || [];
  var rows = events.map(function (e) {
    var kind = e.type === 'Warning' ? 'bad' : 'idle';
    return '<li class="event"><span class="pill ' + kind + '">' + esc(e.type) + '</span> ' +
      '<b>' + esc(e.reason) + '</b> ' + esc(e.message) +
      (e.count > 1 ? ' <span class="muted">×' + num(e.count) + '</span>' : '') +
      ' <span class="muted">' + ago(e.time, now) + '</span></li>';
  }).join('');
  var error = canary.eventsError ? '<li class="event bad-text">events unavailable: ' + esc(canary.eventsError) + '</li>' : '';
  if (!rows && !error) return '';
  return '<ul class="events">' + error + rows + '</ul>';
}

function renderCanary(canary, now) {
  var phaseClass = PHASE_CLASS[canary.phase] || 'idle';
  var weight = percent(canary.canaryWeight);
  var max = canary.maxWeight === undefined ? undefined : percent(canary.maxWeight);
  var failed = canary.failedChecks === undefined ? '–' : num(canary.failedChecks);
  var threshold = canary.threshold === undefined ? '' : ' / ' + num(canary.threshold);
  var checks = (canary.lastChecks || []).map(renderCheck).join('');
  return '<section class="canary" data-canary="' + esc((canary.namespace ? canary.namespace + '/' : '') + canary.name) + '">' +
    '<header><h2>' + (canary.namespace ? '<span class="muted">' + esc(canary.namespace) + '/</span>' : '') +
    esc(canary.name) + '</h2>' +
    '<span class="phase ' + phaseClass + '">' + esc(canary.phase || 'Unknown') + '</span>' +
    '<span class="muted">' + ago(canary.lastTransitionTime, now) + '</span></header>' +
    '<div class="row"><div class="bar" title="canary weight"><div class="fill ' + phaseClass + '" style="width:' + weight + '%"></div>' +
    (max === undefined ? '' : '<div class="max" style="left:' + max + '%" title="max weight ' + max + '%"></div>') +
    '</div><span class="weight">canary ' + weight + '%' + (max === undefined ? '' : ' <span class="muted">of ' + max + '%</span>') + '</span>' +
    '<span class="failed">failed checks ' + failed + threshold + '</span>' +
    (canary.iterations ? '<span class="muted">iterations ' + num(canary.iterations) + '</span>' : '') + '</div>' +
    (canary.failureReason ? '<p class="reason">' + esc(canary.failureReason) + '</p>' : '') +
    (checks ? '<table class="checks"><thead><tr><th>check</th><th>decision</th><th>value</th><th>primary</th>' +
      '<th>samples</th><th>threshold</th><th>message</th></tr></thead><tbody>' + checks + '</tbody></table>' : '') +
    renderEvents(canary, now) + '</section>';
}

function renderCanaries(snapshot, now) {
  var canaries = snapshot.canaries || [];
  if (canaries.length === 0) {
    return snapshot.error ? '' : '<p class="muted empty">No canaries in ' + esc(snapshot.source) + '.</p>';
  }
  return canaries.map(function (c) { return renderCanary(c, now); }).join('');
}

function renderBanner(error) {
  return error ? '<div class="banner">' + esc(error) + '</div>' : '';
}

if (typeof document !== 'undefined') {
  var poll = function () {
    fetch('/api/canaries', { cache: 'no-store', signal: AbortSignal.timeout(POLL_MS * 4) })
      .then(function (res) { return res.json(); })
      .then(function (snapshot) {
        document.getElementById('source').textContent = snapshot.source;
        document.getElementById('updated').textContent = 'updated ' + new Date(snapshot.generatedAt).toLocaleTimeString();
        document.getElementById('banner').innerHTML = renderBanner(snapshot.error);
        // An error keeps the last canaries on screen under the banner; they are stale, not gone.
        if (!snapshot.error) document.getElementById('canaries').innerHTML = renderCanaries(snapshot, Date.now());
      })
      .catch(function (err) {
        document.getElementById('banner').innerHTML = renderBanner('the dashboard server did not answer: ' + err.message);
      })
      .finally(function () { setTimeout(poll, POLL_MS); });
  };
  poll();
}
`;
