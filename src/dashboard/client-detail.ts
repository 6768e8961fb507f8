/**
 * The one-canary view's part of the page script: its state in a line, the charts, the verdicts of the
 * last analysis with each check's verdicts over time, the events as a timeline, and the action buttons
 * (only when the server allows actions: it sends the kinds it accepts). A button posts the intent with
 * the token the user typed; the token stays in this tab's sessionStorage.
 */
export const CLIENT_DETAIL = String.raw`
var ACTION_LABEL = { promote: 'Promote', abort: 'Abort', pause: 'Pause', resume: 'Resume' };

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

/** Each check's verdicts over the kept history, oldest first, one mark per analysis that changed it. */
function renderVerdictStrips(detail) {
  return metricNames(detail).map(function (name) {
    var marks = (detail.samples || []).filter(function (s) { return (s.checks || {})[name]; }).map(function (s) {
      var point = s.checks[name];
      var title = new Date(s.t).toISOString() + ' ' + point.d + (point.v === undefined ? '' : ' ' + point.v);
      return '<span class="mark ' + (DECISION_CLASS[point.d] || 'idle') + '" title="' + esc(title) + '"></span>';
    }).join('');
    return '<div class="strip"><span class="check-name">' + esc(name) + '</span>' + (marks || '<span class="muted">no verdict yet</span>') + '</div>';
  }).join('');
}

function renderVerdicts(detail) {
  var checks = ((detail.canary || {}).lastChecks || []).map(renderCheck).join('');
  return '<h3>Verdicts</h3>' +
    (checks ? '<table class="checks"><thead><tr><th>check</th><th>decision</th><th>value</th><th>primary</th>' +
      '<th>samples</th><th>threshold</th><th>message</th></tr></thead><tbody>' + checks + '</tbody></table>' : '<p class="muted">no analysis yet</p>') +
    renderVerdictStrips(detail);
}

function renderTimeline(detail, now) {
  var events = (detail.events || []).slice().reverse();
  var error = detail.canary && detail.canary.eventsError ? '<li class="bad-text">events unavailable: ' + esc(detail.canary.eventsError) + '</li>' : '';
  var items = events.map(function (e) {
    var kind = e.type === 'Warning' ? 'bad' : 'idle';
    return '<li class="event"><span class="when">' + (e.time ? esc(new Date(e.time).toLocaleTimeString()) + ' ' + ago(e.time, now) : '') + '</span>' +
      '<span class="pill ' + kind + '">' + esc(e.type) + '</span> <b>' + esc(e.reason) + '</b> ' + esc(e.message) +
      (e.count > 1 ? ' <span class="muted">×' + num(e.count) + '</span>' : '') + '</li>';
  }).join('');
  return '<h3>Events</h3><ol class="timeline">' + error + (items || '<li class="muted">no events</li>') + '</ol>';
}

function renderSummary(detail, now) {
  var canary = detail.canary || { name: '?' };
  var phaseClass = PHASE_CLASS[canary.phase] || 'idle';
  var failed = canary.failedChecks === undefined ? '–' : num(canary.failedChecks);
  var threshold = canary.threshold === undefined ? '' : ' / ' + num(canary.threshold);
  var share = canary.observedTraffic;
  return '<header><h2>' + (canary.namespace ? '<span class="muted">' + esc(canary.namespace) + '/</span>' : '') + esc(canary.name) + '</h2>' +
    '<span class="phase ' + phaseClass + '">' + esc(canary.phase || 'Unknown') + '</span>' +
    (canary.paused ? '<span class="pill wait">paused</span>' : '') +
    '<span class="muted">' + ago(canary.lastTransitionTime, now) + '</span></header>' +
    '<div class="row">' + weightBar(canary) + '<span class="failed">failed checks ' + failed + threshold + '</span>' +
    (canary.iterations ? '<span class="muted">iterations ' + num(canary.iterations) + '</span>' : '') + '</div>' +
    (share ? '<p class="share"><span class="pill ' + (SHARE_CLASS[share.verdict] || 'idle') + '">traffic ' + esc(share.verdict) + '</span> ' + esc(share.message) + '</p>' : '') +
    (canary.failureReason ? '<p class="reason">' + esc(canary.failureReason) + '</p>' : '');
}

function renderActions(detail) {
  var kinds = detail.actions || [];
  if (kinds.length === 0) return '';
  var paused = detail.canary && detail.canary.paused;
  var buttons = kinds.filter(function (k) { return k === 'resume' ? paused : k === 'pause' ? !paused : true; }).map(function (k) {
    return '<button type="button" class="action ' + esc(k) + '" data-action="' + esc(k) + '">' + esc(ACTION_LABEL[k] || k) + '</button>';
  }).join(' ');
  return '<form class="actions" id="actions-form"><label>token <input id="token" type="password" autocomplete="off" size="24"></label> ' +
    buttons + ' <span id="action-result" role="status"></span></form>';
}

function sendAction(kind, canary) {
  var token = document.getElementById('token').value;
  sessionStorage.setItem('aviary-token', token);
  var result = document.getElementById('action-result');
  var say = function (className, text) {
    // Kept in state too: the buttons re-render when the release changes (Pause becomes Resume).
    state.actionResult = { className: className, text: text };
    result = document.getElementById('action-result') || result;
    result.className = className;
    result.textContent = text;
  };
  say('', kind + '…');
  fetch('/api/intent', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Aviary-Token': token },
    body: JSON.stringify({ kind: kind, name: canary.name, namespace: canary.namespace || '' }),
    signal: AbortSignal.timeout(20000)
  }).then(function (res) {
    return res.json().then(function (body) {
      say(res.ok ? 'ok-text' : 'bad-text', res.ok ? body.message : (body.error || 'HTTP ' + res.status));
    });
  }).catch(function (err) {
    say('bad-text', kind + ' failed: ' + err.message);
  });
}

function showDetail(detail, now) {
  var view = document.getElementById('view');
  var key = keyOf(detail.canary || { name: '' });
  if (view.getAttribute('data-detail') !== key) {
    destroyCharts(state.charts);
    state.actionResult = undefined;
    view.setAttribute('data-detail', key);
    view.innerHTML = '<p><a href="#/">← all canaries</a></p><section class="canary detail">' +
      '<div id="summary"></div><div id="actions"></div><div id="charts"></div><div id="verdicts"></div><div id="timeline"></div></section>';
    document.getElementById('actions').addEventListener('click', function (e) {
      var button = e.target.closest('button[data-action]');
      if (button) sendAction(button.getAttribute('data-action'), state.detail.canary);
    });
  }
  state.detail = detail;
  document.getElementById('summary').innerHTML = renderSummary(detail, now);
  var actions = renderActions(detail);
  var form = document.getElementById('actions-form');
  // Re-rendered only when the buttons change, so a token being typed and the last result stay.
  if (!form || form.getAttribute('data-html') !== actions) {
    document.getElementById('actions').innerHTML = actions;
    form = document.getElementById('actions-form');
    if (form) {
      form.setAttribute('data-html', actions);
      form.addEventListener('submit', function (e) { e.preventDefault(); });
      document.getElementById('token').value = sessionStorage.getItem('aviary-token') || '';
      if (state.actionResult) {
        document.getElementById('action-result').className = state.actionResult.className;
        document.getElementById('action-result').textContent = state.actionResult.text;
      }
    }
  }
  drawCharts(chartSpecs(detail), document.getElementById('charts'), state.charts);
  document.getElementById('verdicts').innerHTML = renderVerdicts(detail);
  document.getElementById('timeline').innerHTML = renderTimeline(detail, now);
}
`;
