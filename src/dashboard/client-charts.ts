/**
 * The detail view's charts: `chartSpecs` turns a canary's history into one chart of the weight (with
 * the maximum weight and the observed share of requests) and one per metric (the canary's value, the
 * primary's for compared metrics, and the threshold range), as plain data a test can check; `drawCharts`
 * hands them to uPlot, updating a chart in place when its series stay the same.
 */
export const CLIENT_CHARTS = String.raw`
var COLORS = { canary: '#0969da', primary: '#8250df', limit: '#cf222e', max: '#6e7781', share: '#9a6700' };

function metricNames(detail) {
  var names = {};
  (detail.samples || []).forEach(function (s) { Object.keys(s.checks || {}).forEach(function (n) { names[n] = true; }); });
  Object.keys((detail.canary && detail.canary.thresholds) || {}).forEach(function (n) { names[n] = true; });
  return Object.keys(names).sort();
}

function column(samples, pick) {
  return samples.map(function (s) { var v = pick(s); return typeof v === 'number' && isFinite(v) ? v : null; });
}

function constant(samples, value) {
  return samples.map(function () { return value; });
}

/** One chart per thing to watch; x is seconds since the epoch, the last point repeats the latest sample at "now". */
function chartSpecs(detail) {
  var samples = (detail.samples || []).slice();
  if (samples.length === 0) return [];
  var latest = samples[samples.length - 1];
  var now = Date.parse(detail.generatedAt);
  if (isFinite(now) && now > latest.t) samples.push(Object.assign({}, latest, { t: now }));
  var xs = samples.map(function (s) { return s.t / 1000; });
  var canary = detail.canary || {};
  var weight = { id: 'weight', title: 'canary weight (%)', range: [0, 100], series: [], data: [xs] };
  var add = function (chart, label, color, values, extra) {
    chart.series.push(Object.assign({ label: label, color: color }, extra || {}));
    chart.data.push(values);
  };
  add(weight, 'canary weight', COLORS.canary, column(samples, function (s) { return s.weight; }), { stepped: true });
  if (typeof canary.maxWeight === 'number') add(weight, 'max weight', COLORS.max, constant(samples, canary.maxWeight), { dash: true });
  if (samples.some(function (s) { return typeof s.share === 'number'; })) {
    add(weight, 'observed share', COLORS.share, column(samples, function (s) { return s.share; }), { points: true });
  }
  var charts = [weight];
  metricNames(detail).forEach(function (name) {
    var chart = { id: 'metric:' + name, title: name, series: [], data: [xs] };
    var check = function (s) { return (s.checks || {})[name] || {}; };
    add(chart, 'canary', COLORS.canary, column(samples, function (s) { return check(s).v; }), { points: true });
    if (samples.some(function (s) { return typeof check(s).p === 'number'; })) {
      add(chart, 'primary', COLORS.primary, column(samples, function (s) { return check(s).p; }), { points: true });
    }
    var bounds = (canary.thresholds || {})[name] || {};
    if (typeof bounds.min === 'number') add(chart, 'min ' + bounds.min, COLORS.limit, constant(samples, bounds.min), { dash: true });
    if (typeof bounds.max === 'number') add(chart, 'max ' + bounds.max, COLORS.limit, constant(samples, bounds.max), { dash: true });
    charts.push(chart);
  });
  return charts;
}

function destroyCharts(charts) {
  Object.keys(charts).forEach(function (id) { charts[id].plot.destroy(); delete charts[id]; });
}

function uplotOptions(spec, width) {
  return {
    title: spec.title,
    width: width,
    height: 180,
    scales: spec.range ? { x: { time: true }, y: { range: spec.range } } : { x: { time: true } },
    series: [{}].concat(spec.series.map(function (s) {
      return {
        label: s.label,
        stroke: s.color,
        width: s.dash ? 1 : 2,
        dash: s.dash ? [6, 4] : undefined,
        spanGaps: true,
        points: { show: !!s.points, size: 5 },
        paths: s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined
      };
    }))
  };
}

function drawCharts(specs, container, charts) {
  var width = Math.max(320, Math.min(container.clientWidth || 900, 1150));
  var wanted = {};
  specs.forEach(function (spec) {
    wanted[spec.id] = true;
    var labels = spec.series.map(function (s) { return s.label; }).join('|');
    var existing = charts[spec.id];
    if (existing && existing.labels === labels) {
      existing.plot.setData(spec.data);
      return;
    }
    if (existing) { existing.plot.destroy(); existing.el.remove(); }
    var el = document.createElement('div');
    el.className = 'chart';
    el.setAttribute('data-chart', spec.id);
    container.appendChild(el);
    charts[spec.id] = { plot: new uPlot(uplotOptions(spec, width), spec.data, el), labels: labels, el: el };
  });
  Object.keys(charts).forEach(function (id) {
    if (!wanted[id]) { charts[id].plot.destroy(); charts[id].el.remove(); delete charts[id]; }
  });
}
`;
