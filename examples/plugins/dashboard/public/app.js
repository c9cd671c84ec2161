// The dashboard page: no build step, no framework; charts are SVG drawn here.
const COLORS = ['#2457a5', '#b3261e', '#1c7c3c', '#a06000', '#6b3fa0', '#00838f', '#c2185b', '#5d4037'];
const colorOf = new Map();
const color = (id) => {
  if (!colorOf.has(id)) colorOf.set(id, COLORS[colorOf.size % COLORS.length]);
  return colorOf.get(id);
};
let history = [];
const mb = (bytes) => (bytes === undefined ? '–' : `${(bytes / 1048576).toFixed(1)} MB`);
const el = (tag, attrs = {}, text) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};
const duration = (s) => (s < 60 ? `${Math.floor(s)} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h`);
const total = (table) => Object.values(table).reduce((a, v) => a + (typeof v === 'number' ? v : v.count), 0);

function renderPlugins(metrics) {
  const body = document.querySelector('#plugins tbody');
  body.replaceChildren(...metrics.plugins.map((p) => {
    const row = el('tr', { 'data-plugin': p.id });
    const name = el('td');
    name.append(el('i', { style: `display:inline-block;width:.6rem;height:.6rem;margin-right:.4rem;background:${color(p.id)}` }), document.createTextNode(p.id));
    if (p.version) name.title = `${p.name ?? ''} ${p.version} ${p.url}`;
    const denials = Object.entries(p.denials).map(([k, n]) => `${k} ${n}`).join(', ');
    row.append(
      name,
      el('td', { class: `state state-${p.state}`, 'data-state': p.state }, p.state),
      el('td', {}, duration(p.stateSeconds)),
      el('td', { 'data-restarts': String(p.restarts), title: Object.entries(p.crashReasons).map(([r, n]) => `${n}× ${r}`).join('\n') }, String(p.restarts)),
      el('td', {}, mb(p.memory.heapUsed)),
      el('td', {}, mb(p.memory.rss)),
      el('td', {}, p.eventLoopUtilization === undefined ? '–' : `${(p.eventLoopUtilization * 100).toFixed(1)} %`),
      el('td', {}, String(total(p.hostCalls))),
      el('td', { title: denials }, denials || '0'),
    );
    const buttons = el('td');
    for (const action of ['reload', 'stop']) {
      const button = el('button', { 'data-action': action, 'data-plugin': p.id }, action === 'reload' ? (p.state === 'stopped' ? 'Start' : 'Reload') : 'Stop');
      if (p.id === 'dashboard' || (action === 'stop' && p.state === 'stopped')) button.disabled = true;
      button.addEventListener('click', () => control(p.id, action, button));
      buttons.append(button);
    }
    row.append(buttons);
    if (p.lastError) row.title = p.lastError.message;
    return row;
  }));
}

const STATUS = { 0: 'created', 100: 'starting', 200: 'running', 250: 'stopping', 300: 'finished', 400: 'errored', 450: 'exhausted', 500: 'mixed' };
function renderProcesses(processes) {
  const body = document.querySelector('#processes tbody');
  body.replaceChildren(...processes.map(({ status }) => {
    const row = el('tr', { 'data-process': status.id });
    row.append(el('td', {}, status.id), el('td', {}, STATUS[status.status] ?? String(status.status)), el('td', {}, status.pid ? String(status.pid) : '–'),
      el('td', {}, String(status.restarts ?? 0)), el('td', {}, status.started ? new Date(status.started).toLocaleTimeString() : '–'));
    return row;
  }));
}

// A line chart of one series per plugin; `value(sample, previous)` gives a point or undefined.
function chart(svg, value, empty) {
  const W = 600, H = 160, L = 40, B = 14;
  const ids = [...new Set(history.flatMap((s) => s.plugins.map((p) => p.id)))];
  const series = ids.map((id) => history.map((s, i) => {
    const p = s.plugins.find((x) => x.id === id);
    const prev = i > 0 ? history[i - 1].plugins.find((x) => x.id === id) : undefined;
    return p ? value(p, prev, i > 0 ? (s.at - history[i - 1].at) / 1000 : 0) : undefined;
  }));
  const known = series.flat().filter((v) => v !== undefined);
  if (known.length === 0) {
    svg.innerHTML = `<text x="10" y="80">${empty}</text>`;
    return;
  }
  const max = Math.max(1e-9, ...known);
  const t0 = history[0]?.at ?? 0, t1 = history.at(-1)?.at ?? 1;
  const x = (i) => L + ((history[i].at - t0) / Math.max(1, t1 - t0)) * (W - L - 4);
  const y = (v) => H - B - (v / max) * (H - B - 6);
  const parts = [`<line x1="${L}" y1="${H - B}" x2="${W}" y2="${H - B}" stroke="#ccc"/>`, `<text x="2" y="10">${+max.toPrecision(3)}</text>`, `<text x="2" y="${H - B}">0</text>`,
    `<text x="${L}" y="${H - 2}">${Math.round((t1 - t0) / 1000)} s ago</text>`, `<text x="${W - 30}" y="${H - 2}">now</text>`];
  series.forEach((points, k) => {
    const d = points.map((v, i) => (v === undefined ? '' : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean).join(' ');
    if (d) parts.push(`<polyline fill="none" stroke="${color(ids[k])}" stroke-width="1.5" points="${d}"/>`);
  });
  svg.innerHTML = parts.join('');
}

function renderCharts() {
  chart(document.getElementById('chart-memory'), (p) => (p.heapUsed ?? p.rss) === undefined ? undefined : (p.heapUsed ?? p.rss) / 1048576, 'not measured: a worker\'s heap needs Node >= 22.16, RSS a process-tier plugin');
  chart(document.getElementById('chart-calls'), (p, prev, dt) => (prev && dt > 0 ? Math.max(0, p.calls - prev.calls) / dt : undefined), 'collecting…');
  chart(document.getElementById('chart-restarts'), (p) => p.restarts + p.denials, 'collecting…');
  document.getElementById('legend').replaceChildren(...[...colorOf].map(([id, c]) => {
    const span = el('span');
    span.append(el('i', { style: `background:${c}` }), document.createTextNode(id));
    return span;
  }));
}

function logLine(cls, text, at = Date.now()) {
  const list = document.getElementById('log');
  const item = el('li', { class: cls }, `${new Date(at).toLocaleTimeString()} ${text}`);
  list.append(item);
  while (list.children.length > 500) list.firstChild.remove();
  list.scrollTop = list.scrollHeight;
}

async function control(id, action, button) {
  button.disabled = true;
  try {
    const res = await fetch(`/api/plugins/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
    const body = await res.json();
    if (!res.ok) logLine('error', `${action} ${id}: ${body.error}`);
  } finally {
    button.disabled = false;
  }
}

function apply({ metrics, processes, sample }) {
  if (sample) {
    history.push(sample);
    const keep = Math.max(...history.map((s) => s.at)) - 5 * 60_000;
    history = history.filter((s) => s.at >= keep);
  }
  if (metrics) renderPlugins(metrics);
  if (processes) renderProcesses(processes);
  renderCharts();
}

async function start() {
  const state = await (await fetch('/api/state')).json();
  history = state.history;
  for (const item of state.logs) logLine(item.severity, `[${item.processId}] ${item.text}`, item.timeStamp);
  apply({ metrics: state.metrics, processes: state.processes });
  connect();
}

function connect() {
  const live = document.getElementById('live');
  const ws = new WebSocket(`ws://${location.host}/live`);
  ws.onopen = () => {
    live.textContent = 'live';
    live.classList.add('on');
  };
  ws.onmessage = (message) => {
    const { t, d } = JSON.parse(message.data);
    if (t === 'sample') apply(d);
    else if (t === 'log') logLine(d.severity, `[${d.processId}] ${d.text}`, d.timeStamp);
    else if (t === 'event') logLine('event', `${d.event} ${JSON.stringify(d.data).slice(0, 200)}`);
  };
  ws.onclose = () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
    setTimeout(connect, 1000);
  };
}

start();
