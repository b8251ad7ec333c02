// The HTML report's inline stylesheet and status colours (one place, so tiles, legend, trend and details agree).
import { STEP_PALETTE } from './html-timeline.js';
import type { HostStatus } from './model.js';

/** Colour per status; 'changed' is green-blue because it is a good outcome too, just a busier one. */
export const STATUS_COLOURS: Record<HostStatus, string> = {
  ok: '#2e7d32',
  changed: '#00897b',
  'would-change': '#f9a825',
  drift: '#ef6c00',
  failed: '#c62828',
  refused: '#ad1457',
  unknown: '#5d4037',
  unreachable: '#6a1b9a',
  deferred: '#546e7a',
  skipped: '#9e9e9e',
};

function stepRules(): string {
  return STEP_PALETTE.map((c, k) => `.k-${k}{--k:${c}}`).join('\n');
}

function statusRules(): string {
  return Object.entries(STATUS_COLOURS)
    .map(([s, c]) => `.s-${s}{--c:${c}}`)
    .join('\n');
}

export const HTML_CSS = `
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d232a;background:#f4f6f8}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d5dbe1;padding-bottom:4px}
h3{font-size:14px;margin:14px 0 8px;color:#37474f}h4{font-size:13px;margin:14px 0 6px;color:#37474f}
.meta{color:#546e7a;font-size:13px}.meta code{font-size:12px}
.stopped{margin:12px 0;padding:8px 12px;border-left:4px solid #c62828;background:#fdecea}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.count{background:#fff;border:1px solid #d5dbe1;border-top:4px solid var(--c,#607d8b);border-radius:6px;padding:8px 14px;min-width:104px}
.count b{display:block;font-size:22px}.count span{color:#546e7a;font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0 4px;font-size:12px;color:#37474f}
.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px;background:var(--c)}
.group{background:#fff;border:1px solid #d5dbe1;border-radius:8px;padding:6px 14px 14px;margin:10px 0}
.tiles{display:flex;flex-wrap:wrap;gap:8px}
.tile{display:flex;flex-direction:column;justify-content:space-between;width:150px;min-height:64px;padding:7px 9px;border-radius:6px;background:var(--c);color:#fff;text-decoration:none;box-shadow:0 1px 2px rgba(0,0,0,.2)}
.tile:hover{filter:brightness(1.1)}.tile-name{font-weight:600;overflow-wrap:anywhere}.tile-status{font-size:12px;opacity:.92}
.tile-flags{font-size:11px;opacity:.9}
.s-would-change.tile{color:#1d232a}
.attention li{margin:4px 0}.reason{color:#7f1d1d}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;background:var(--c);color:#fff;font-size:12px;font-weight:600}
.s-would-change.badge{color:#1d232a}
details.host{background:#fff;border:1px solid #d5dbe1;border-left:5px solid var(--c);border-radius:6px;margin:6px 0}
details.host>summary{cursor:pointer;padding:8px 12px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
details.host>summary .name{font-weight:600}.muted{color:#607d8b;font-size:12px}
details.host .body{padding:0 16px 12px}
table{border-collapse:collapse;margin:4px 0;background:#fff}
th,td{border:1px solid #dde3e8;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}
th{background:#eef2f5}
.ok-yes{color:#2e7d32;font-weight:600}.ok-no{color:#c62828;font-weight:600}.ok-unknown{color:#5d4037;font-weight:600}
.error{color:#7f1d1d;background:#fdecea;border-radius:4px;padding:6px 10px;white-space:pre-wrap}
pre.diff{background:#1e2329;color:#d7dde3;padding:8px 10px;border-radius:5px;overflow-x:auto;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}
pre.diff .add{color:#7ee787;background:rgba(46,160,67,.18);display:block}
pre.diff .del{color:#ffa198;background:rgba(248,81,73,.18);display:block}
pre.diff .hunk{color:#79c0ff;display:block}pre.diff .file{color:#d2a8ff;font-weight:600;display:block}
.step{margin:8px 0 10px}.step h5{margin:0 0 4px;font-size:13px}
ul.changes,ul.notes{margin:2px 0;padding-left:20px}ul.notes{color:#455a64}
code.kind{background:#eef2f5;border-radius:3px;padding:0 4px;font-size:12px}
.trend td.cell{width:34px;padding:2px;text-align:center}
.trend .cell span{display:block;height:18px;border-radius:3px;background:var(--c)}
.trend th.when{font-weight:400;font-size:11px;writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
.buttons button{font:inherit;font-size:12px;margin-right:6px;padding:3px 10px;border:1px solid #b0bec5;border-radius:4px;background:#fff;cursor:pointer}
nav.sections{margin:6px 0 0;font-size:13px}nav.sections a{color:#1565c0}
footer{margin-top:30px;color:#78909c;font-size:12px}
#timeline .tl-row,details.tl-batch>summary{display:flex;align-items:center;gap:8px;min-height:16px}
details.tl-batch{background:#fff;border:1px solid #d5dbe1;border-radius:6px;margin:4px 0;padding:2px 8px}
details.tl-batch>summary{cursor:pointer;padding:3px 0}
.tl-label{flex:0 0 360px;font-size:12px;font-weight:600;color:#37474f}
.tl-label::before{content:"\\25B8  "}details[open]>summary .tl-label::before{content:"\\25BE  "}
details.tl-batch>summary{list-style:none}details.tl-batch>summary::-webkit-details-marker{display:none}
.tl-name{flex:0 0 360px;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:#1d232a;text-decoration:none;padding-left:14px}
.tl-name::before{content:"";display:inline-block;width:8px;height:8px;border-radius:2px;background:var(--c,transparent);margin-right:5px}
.tl-track{position:relative;flex:1;height:14px;background:#f0f3f6;border-radius:3px;min-width:200px}
.tl-axis{background:none;height:16px;border-bottom:1px solid #b0bec5}
.tl-tick{position:absolute;top:0;font-size:10px;color:#607d8b;transform:translateX(-50%)}
.tl-tick:first-child{transform:none}.tl-tick:last-child{transform:translateX(-100%)}
.tl-seg,.tl-bar{position:absolute;top:2px;bottom:2px;border-radius:2px;background:var(--k)}
.tl-bar{background:#90a4ae}
.tl-seg.tl-mig{box-shadow:inset 0 3px 0 #1d232a}
.tl-seg.tl-reboot{background:repeating-linear-gradient(135deg,var(--k) 0 4px,#1d232a 4px 6px)}
.tl-seg.tl-bad{outline:2px solid #c62828;outline-offset:0}
.tl-legend .sw{background:var(--k,#fff)}
.sw.tl-mig-sw{background:#fff;box-shadow:inset 0 3px 0 #1d232a;border:1px solid #b0bec5}
.sw.tl-reboot-sw{background:repeating-linear-gradient(135deg,#b0bec5 0 4px,#1d232a 4px 6px)}
.sw.tl-bad-sw{background:#fff;outline:2px solid #c62828}
tr.changed td{background:#fff8e1}
td.arrow{color:#607d8b}
${stepRules()}
${statusRules()}
`;
