/**
 * The dashboard page: static HTML and CSS around the client script and uPlot. The script's hash goes into the
 * Content-Security-Policy, so even a markup injection that slipped past escaping could not run script.
 */
import { createHash } from 'node:crypto';
import { CLIENT_SCRIPT } from './client-script.js';

const STYLE = `
:root { --ok: #1a7f37; --bad: #cf222e; --busy: #0969da; --wait: #9a6700; --idle: #6e7781; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
body > header { display: flex; gap: 1em; align-items: baseline; padding: .8em 1.5em; background: #24292f; color: #fff; }
body > header h1 { font-size: 1.2em; margin: 0; }
main { padding: 1em 1.5em; max-width: 1200px; }
.muted { color: var(--idle); }
body > header .muted { color: #b0b8c1; }
.banner { background: #ffebe9; border: 1px solid var(--bad); color: var(--bad); padding: .6em 1em; border-radius: 6px; margin-bottom: 1em; }
.canary { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8em 1em; margin-bottom: 1em; }
.canary header { display: flex; gap: .8em; align-items: baseline; }
.canary h2 { font-size: 1.1em; margin: 0; }
.phase { font-weight: 600; }
.phase.ok, .ok-text { color: var(--ok); } .phase.bad, .bad-text { color: var(--bad); }
.phase.busy { color: var(--busy); } .phase.wait { color: var(--wait); } .phase.idle { color: var(--idle); }
.row { display: flex; gap: 1.2em; align-items: center; margin: .6em 0; }
.bar { position: relative; width: 240px; height: 12px; background: #eaeef2; border-radius: 6px; overflow: hidden; }
.fill { height: 100%; background: var(--busy); }
.fill.ok { background: var(--ok); } .fill.bad { background: var(--bad); } .fill.wait { background: var(--wait); } .fill.idle { background: var(--idle); }
.max { position: absolute; top: 0; bottom: 0; width: 2px; background: #1f2328; opacity: .5; }
.reason { color: var(--bad); margin: .4em 0; }
.pill { display: inline-block; padding: 0 .5em; border-radius: 1em; color: #fff; font-size: .85em; }
.pill.ok { background: var(--ok); } .pill.bad { background: var(--bad); } .pill.wait { background: var(--wait); }
.pill.busy { background: var(--busy); } .pill.idle { background: var(--idle); }
table.checks { border-collapse: collapse; width: 100%; margin: .4em 0; }
.checks th, .checks td { text-align: left; padding: .2em .6em .2em 0; border-bottom: 1px solid var(--line); vertical-align: top; }
.checks td.n { font-variant-numeric: tabular-nums; white-space: nowrap; }
.checks td.msg { color: #424a53; }
ul.events { list-style: none; padding: 0; margin: .4em 0 0; font-size: .92em; }
.event { padding: .15em 0; }
body > header h1 a { color: inherit; text-decoration: none; }
.controls { display: flex; gap: 1.2em; align-items: center; margin-bottom: .8em; }
table.list { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
.list th, .list td { text-align: left; padding: .3em .6em; border-bottom: 1px solid var(--line); white-space: nowrap; }
.list th button.sort { font: inherit; font-weight: 600; border: 0; background: none; cursor: pointer; padding: 0; }
.list td.weight-cell { display: flex; gap: .6em; align-items: center; }
.list .bar { width: 120px; }
.detail h3 { font-size: 1em; margin: 1em 0 .3em; }
.chart { margin: .6em 0; }
.actions { display: flex; gap: .6em; align-items: center; margin: .6em 0; padding: .5em; background: #fff8c5; border-radius: 6px; }
.actions button { font: inherit; padding: .2em .9em; cursor: pointer; }
.strip { display: flex; gap: 2px; align-items: center; margin: .2em 0; }
.strip .check-name { min-width: 14em; }
.mark { width: 8px; height: 14px; border-radius: 2px; background: var(--idle); }
.mark.ok { background: var(--ok); } .mark.bad { background: var(--bad); } .mark.wait { background: var(--wait); }
ol.timeline { list-style: none; padding: 0 0 0 1em; border-left: 2px solid var(--line); margin: .4em 0; }
.timeline .when { display: inline-block; min-width: 12em; color: var(--idle); font-variant-numeric: tabular-nums; }
.share { margin: .4em 0; }
`;

const SCRIPT_HASH = createHash('sha256').update(CLIENT_SCRIPT).digest('base64');

export const PAGE_CSP = [
  "default-src 'none'",
  // 'self': uPlot, served by the dashboard from the installed package (assets.ts).
  `script-src 'self' 'sha256-${SCRIPT_HASH}'`,
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aviary canaries</title>
<link rel="stylesheet" href="/assets/uplot.css">
<style>${STYLE}</style>
</head>
<body>
<header><h1><a href="#/">Aviary canaries</a></h1><span id="source" class="muted"></span><span id="updated" class="muted"></span></header>
<main>
<div id="banner"></div>
<div id="view"><p class="muted">loading…</p></div>
</main>
<script src="/assets/uplot.js"></script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
