// The dashboard page: load a snapshot (/overview, /tasks), then follow /events. All state changes
// go through ./state.js; this file fetches, renders and wires the buttons.
import {
  agentHost,
  applyEvent,
  countdownText,
  drainFromOverview,
  durationOf,
  formatDuration,
  history,
  hostsText,
  initialState,
  lastLine,
  linkText,
  tasksIn,
  withTasks,
  workerOutcome,
} from './state.js';

const EVENT_TYPES = ['task_queued', 'task_started', 'task_ended', 'service_shutdown', 'service_stopping', 'service_ready'];
const TOKEN_KEY = 'hooksctl-token';
// After service_stopping: the old instance is closing and systemd is starting the next one.
const HANDOVER_RECONNECT_MS = 1500;
const authRequired = document.querySelector('meta[name="hooks-auth"]')?.getAttribute('content') === 'token';
const $ = (sel) => document.querySelector(sel);

let state = initialState();
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let features = { output: false };
let source = null;
let lastEventId = null;
let renderQueued = false;

// A call to the service carrying the token; a 401 asks for the token again.
async function api(path, init = {}) {
  const headers = { accept: 'application/json', ...(init.headers ?? {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401) {
    askToken('The token was refused');
    throw new Error('unauthorized');
  }
  return res;
}

function askToken(message = '') {
  $('#login').hidden = false;
  $('#login-error').textContent = message;
  $('#token').focus();
  schedule();
}

// The snapshot: health, agents, the drain in progress, the queue, running tasks and a page of history.
async function load() {
  const [overview, live, recent] = await Promise.all([
    api('/overview').then((r) => r.json()),
    api('/tasks?status=queued&status=running&limit=1000').then((r) => r.json()),
    api('/tasks?limit=100').then((r) => r.json()),
  ]);
  features = overview.features ?? features;
  state = withTasks(
    { ...state, ...hostsFrom(overview), agents: overview.agents, service: overview.health.state, nextBefore: recent.next_before },
    [...recent.tasks, ...live.tasks],
  );
  state = { ...state, drain: drainFromOverview(overview.drain, Date.now()) ?? (state.service === 'running' ? null : state.drain) };
  schedule();
}

// This host and the live hosts of the store, from an /overview answer (an older service has neither).
function hostsFrom(overview) {
  return { hostId: overview.host_id ?? null, hosts: overview.hosts ?? [] };
}

// The live hosts change without an event on this stream (another host starts or dies): re-read them now and then.
async function refreshHosts() {
  if (!state.hostId || state.link !== 'live') return;
  state = { ...state, ...hostsFrom(await api('/overview').then((r) => r.json())) };
  schedule();
}

async function loadOlder() {
  if (!state.nextBefore) return;
  const page = await api(`/tasks?limit=100&before=${encodeURIComponent(state.nextBefore)}`).then((r) => r.json());
  state = withTasks({ ...state, nextBefore: page.next_before }, page.tasks);
  schedule();
}

// Follow /events. EventSource reconnects by itself (with Last-Event-ID) after the service's
// `retry:` hint; if it gives up (an HTTP error), open a new one from the last id seen.
function connect() {
  const params = new URLSearchParams();
  if (token) params.set('token', token);
  if (lastEventId !== null) params.set('last_event_id', lastEventId);
  const qs = params.toString();
  source = new EventSource(`/events${qs ? `?${qs}` : ''}`);
  source.onopen = () => {
    state = { ...state, link: 'live' };
    schedule();
  };
  source.onerror = () => {
    state = { ...state, link: 'reconnecting' };
    schedule();
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
  };
  for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
}

function onEvent(e) {
  if (e.lastEventId) lastEventId = e.lastEventId;
  const data = JSON.parse(e.data);
  state = applyEvent(state, data, Date.now());
  // The new instance is up: take a fresh snapshot (the re-queued attempts, their links).
  if (data.type === 'service_ready') load().catch(() => undefined);
  // During a drain the old instance is about to close: the snapshot after service_ready brings the
  // full views, so no call races the hand-over.
  if (data.type === 'task_ended' && state.drain === null) refreshTask(data.id);
  // The old instance hands over: reconnect a little after its retry hint, so the first try finds
  // the new instance listening rather than a closed port.
  if (data.type === 'service_stopping') {
    source.close();
    state = { ...state, link: 'reconnecting' };
    setTimeout(connect, HANDOVER_RECONNECT_MS);
  }
  schedule();
}

// Fetch one task's full view (reason, attempt links) after it ended.
async function refreshTask(id) {
  const res = await api(`/tasks/${id}`).catch(() => null);
  if (res?.ok) {
    state = withTasks(state, [await res.json()]);
    schedule();
  }
}

async function cancel(id, button) {
  button.disabled = true;
  const res = await api(`/cancel/${id}`, { method: 'POST' }).catch(() => null);
  button.textContent = res?.ok ? 'Cancelling…' : 'Cancel failed';
}

// The latest output line of each running task, when the service has the output route.
async function pollOutput() {
  if (!features.output) return;
  for (const t of tasksIn(state, 'running')) {
    const res = await api(`/tasks/${t.id}/output`).catch(() => null);
    if (res?.ok) state = withTasks(state, [{ id: t.id, last_line: lastLine(await res.text()) }]);
  }
  schedule();
}

function schedule() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

// Render everything, keeping focus on the same control when its row is rebuilt.
function render() {
  const focusKey = document.activeElement?.dataset?.key;
  const now = Date.now();
  $('#service').textContent = `service: ${state.service}`;
  $('#hosts').textContent = hostsText(state);
  $('#hosts').hidden = state.hostId === null;
  $('#link').textContent = linkText(state);
  renderBanner(now);
  renderRunning(now);
  renderQueue();
  renderAgents();
  renderHistory();
  $('#more').hidden = !state.nextBefore;
  if (focusKey) document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function renderBanner(now) {
  const banner = $('#banner');
  const d = state.drain;
  banner.hidden = d === null;
  if (d === null) return banner.replaceChildren();
  const items = d.workers.map((w) =>
    el('li', { dataset: { task: w.task } }, `${w.agent}: task ${w.task.slice(0, 8)} — ${workerOutcome(w)}`),
  );
  banner.replaceChildren(
    el('h2', {}, d.stopping ? 'Restarting: handing over to the new instance' : 'The service is shutting down to restart'),
    el(
      'p',
      {},
      el('span', { className: 'countdown', dataset: { testid: 'countdown' } }, countdownText(d.deadline, now)),
      '. New tasks are kept for the next instance.',
    ),
    items.length > 0 ? el('ul', { dataset: { testid: 'busy-workers' } }, ...items) : el('p', {}, 'No task was running.'),
  );
}

function taskLink(id, text) {
  return el('a', { href: state.tasks.has(id) ? `#task-${id}` : `/tasks/${id}` }, text);
}

function renderRunning(now) {
  const canCancel = !authRequired || token !== '';
  const rows = tasksIn(state, 'running').map((t) =>
    el(
      'tr',
      { id: `task-${t.id}`, dataset: { task: t.id } },
      el('td', { className: 'id', title: t.id }, t.id.slice(0, 8)),
      el('td', {}, t.agent),
      el('td', { className: 'host', title: t.host ?? '' }, t.host ?? '—'),
      el('td', {}, String(t.attempt ?? 1)),
      el('td', {}, t.started_at ? formatDuration(now - Date.parse(t.started_at)) : '—'),
      el('td', { className: 'out', title: t.last_line ?? '' }, t.last_line ?? ''),
      el(
        'td',
        {},
        el(
          'button',
          {
            type: 'button',
            disabled: !canCancel,
            dataset: { key: `cancel-${t.id}` },
            onclick: (e) => cancel(t.id, e.currentTarget),
            ariaLabel: `Cancel task ${t.id}`,
          },
          'Cancel',
        ),
      ),
    ),
  );
  $('#running tbody').replaceChildren(...(rows.length > 0 ? rows : [el('tr', {}, el('td', { colSpan: 7 }, 'Nothing running.'))]));
}

function renderQueue() {
  const queued = tasksIn(state, 'queued');
  $('#queue-count').textContent = `(${queued.length})`;
  $('#queue').replaceChildren(
    ...queued.map((t) => el('li', { id: `task-${t.id}`, dataset: { task: t.id } }, `${t.agent}: `, el('code', {}, t.id.slice(0, 8)))),
  );
}

function renderAgents() {
  const rows = state.agents.map((a) =>
    el(
      'tr',
      { dataset: { agent: a.name } },
      el('td', {}, a.name),
      el('td', {}, a.type),
      el('td', {}, a.mode),
      el('td', { className: 'host', title: agentHost(a) }, agentHost(a)),
      el('td', {}, a.state === 'busy' ? `busy (${a.task?.slice(0, 8)})` : 'idle'),
      el('td', { className: a.container ? `container ${a.container}` : 'container' }, a.container ?? '—'),
    ),
  );
  $('[data-testid="agents"] tbody').replaceChildren(...rows);
}

function renderHistory() {
  const rows = history(state).map((t) =>
    el(
      'tr',
      { id: `task-${t.id}`, dataset: { task: t.id } },
      el('td', { className: 'id', title: t.id }, t.id.slice(0, 8)),
      el('td', {}, t.agent),
      el('td', { className: 'host', title: t.host ?? '' }, t.host ?? '—'),
      el('td', { className: `status-${t.status}` }, t.status),
      el('td', {}, t.reason ?? ''),
      el('td', {}, String(t.attempt ?? 1)),
      el('td', {}, formatDuration(durationOf(t))),
      el(
        'td',
        {},
        t.retry_of ? taskLink(t.retry_of, '← previous') : null,
        t.retry_of && t.retried_as ? ' ' : null,
        t.retried_as ? taskLink(t.retried_as, 'next →') : null,
      ),
    ),
  );
  $('[data-testid="history"] tbody').replaceChildren(...rows);
}

$('#login').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('#token').value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  $('#login').hidden = true;
  start();
});
$('#more').addEventListener('click', () => loadOlder().catch(() => undefined));

function start() {
  source?.close();
  load()
    .then(connect)
    .catch(() => undefined);
}

setInterval(schedule, 1000);
setInterval(() => pollOutput().catch(() => undefined), 2000);
setInterval(() => refreshHosts().catch(() => undefined), 10_000);
if (authRequired && token === '') askToken();
else start();
