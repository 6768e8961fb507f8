/**
 * The list view's part of the page script: a table of every canary that stays usable with hundreds of
 * them. Filters (namespace, phase, a name fragment) and the sort column are kept while polling
 * re-renders only the rows, so typing in the filter is never interrupted.
 */
export const CLIENT_LIST = String.raw`
var SORTS = {
  name: function (c) { return c.name; },
  namespace: function (c) { return c.namespace || ''; },
  phase: function (c) { return c.phase || ''; },
  weight: function (c) { return typeof c.canaryWeight === 'number' ? c.canaryWeight : -1; },
  failed: function (c) { return typeof c.failedChecks === 'number' ? c.failedChecks : -1; },
  changed: function (c) { return c.lastTransitionTime || ''; }
};
var COLUMNS = [['name', 'canary'], ['namespace', 'namespace'], ['phase', 'phase'], ['weight', 'weight'], ['failed', 'failed checks'], ['changed', 'last transition']];

function filterCanaries(canaries, filter) {
  var text = (filter.text || '').toLowerCase();
  var by = SORTS[filter.sort] || SORTS.name;
  var shown = canaries.filter(function (c) {
    return (!filter.namespace || (c.namespace || '') === filter.namespace) &&
      (!filter.phase || (c.phase || 'Unknown') === filter.phase) &&
      (!text || c.name.toLowerCase().indexOf(text) >= 0);
  });
  shown.sort(function (a, b) {
    var x = by(a), y = by(b);
    var order = x < y ? -1 : x > y ? 1 : keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
    return filter.desc ? -order : order;
  });
  return shown;
}

function options(values, selected, all) {
  return '<option value="">' + esc(all) + '</option>' + values.map(function (v) {
    return '<option value="' + esc(v) + '"' + (v === selected ? ' selected' : '') + '>' + esc(v) + '</option>';
  }).join('');
}

function distinct(canaries, pick) {
  var seen = {};
  canaries.forEach(function (c) { seen[pick(c)] = true; });
  return Object.keys(seen).filter(function (v) { return v !== ''; }).sort();
}

function renderListHead(filter) {
  return '<tr>' + COLUMNS.map(function (col) {
    var mark = filter.sort === col[0] ? (filter.desc ? ' ▼' : ' ▲') : '';
    return '<th><button type="button" class="sort" data-sort="' + col[0] + '">' + esc(col[1]) + mark + '</button></th>';
  }).join('') + '</tr>';
}

function renderListRow(canary, now) {
  var phaseClass = PHASE_CLASS[canary.phase] || 'idle';
  var threshold = canary.threshold === undefined ? '' : ' / ' + num(canary.threshold);
  var share = canary.observedTraffic;
  return '<tr class="canary-row" data-canary="' + esc(keyOf(canary)) + '">' +
    '<td><a href="' + esc(detailHref(canary)) + '">' + esc(canary.name) + '</a>' +
    (canary.paused ? ' <span class="pill wait">paused</span>' : '') +
    (share && share.verdict === 'mismatch' ? ' <span class="pill bad" title="' + esc(share.message) + '">split off</span>' : '') + '</td>' +
    '<td>' + esc(canary.namespace || '') + '</td>' +
    '<td><span class="phase ' + phaseClass + '">' + esc(canary.phase || 'Unknown') + '</span></td>' +
    '<td class="weight-cell">' + weightBar(canary) + '</td>' +
    '<td class="n">' + (canary.failedChecks === undefined ? '–' : num(canary.failedChecks)) + threshold + '</td>' +
    '<td>' + ago(canary.lastTransitionTime, now) + '</td></tr>';
}

function renderListRows(canaries, now) {
  return canaries.map(function (c) { return renderListRow(c, now); }).join('');
}

function renderEmpty(snapshot) {
  return '<p class="muted empty">No canaries in ' + esc(snapshot.source) + '.</p>';
}

/** Replaces an element's content only when it changed: an open select or a pressed button stays put. */
function setHtml(el, html) {
  if (el.getAttribute('data-html') === html) return;
  el.setAttribute('data-html', html);
  el.innerHTML = html;
}

function showList(snapshot, now) {
  var filter = state.list;
  var view = document.getElementById('view');
  var canaries = snapshot.canaries || [];
  if (!document.getElementById('list')) {
    view.innerHTML = '<form class="controls" id="filters">' +
      '<label>namespace <select id="f-namespace"></select></label>' +
      '<label>phase <select id="f-phase"></select></label>' +
      '<label>name <input id="f-text" type="search" placeholder="contains…" autocomplete="off"></label>' +
      '<span id="count" class="muted"></span></form>' +
      '<table id="list" class="list"><thead></thead><tbody></tbody></table><div id="empty"></div>';
    document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); });
    document.getElementById('f-namespace').addEventListener('change', function (e) { filter.namespace = e.target.value; showList(state.last, Date.now()); });
    document.getElementById('f-phase').addEventListener('change', function (e) { filter.phase = e.target.value; showList(state.last, Date.now()); });
    document.getElementById('f-text').addEventListener('input', function (e) { filter.text = e.target.value; showList(state.last, Date.now()); });
    document.querySelector('#list thead').addEventListener('click', function (e) {
      var button = e.target.closest('button[data-sort]');
      if (!button) return;
      var sort = button.getAttribute('data-sort');
      filter.desc = filter.sort === sort ? !filter.desc : false;
      filter.sort = sort;
      showList(state.last, Date.now());
    });
  }
  state.last = snapshot;
  setHtml(document.getElementById('f-namespace'), options(distinct(canaries, function (c) { return c.namespace || ''; }), filter.namespace, 'all'));
  setHtml(document.getElementById('f-phase'), options(distinct(canaries, function (c) { return c.phase || 'Unknown'; }), filter.phase, 'all'));
  var shown = filterCanaries(canaries, filter);
  setHtml(document.querySelector('#list thead'), renderListHead(filter));
  document.querySelector('#list tbody').innerHTML = renderListRows(shown, now);
  document.getElementById('count').textContent = shown.length + ' of ' + canaries.length + ' canaries';
  document.getElementById('empty').innerHTML = canaries.length === 0 ? renderEmpty(snapshot) : '';
}
`;
