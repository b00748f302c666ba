// The dashboard page: load a snapshot (/overview, /tasks), then follow /events. All state changes
// go through ./state.js and the DOM is built by ./render.js; this file fetches, schedules renders
// and wires the buttons.
import { applyEvent, drainFromOverview, hostsText, initialState, lastLine, linkText, tasksIn, withTasks } from './state.js';
import { renderAgents, renderBanner, renderHistory, renderQueue, renderRunning } from './render.js';

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
  renderBanner($('#banner'), state, now);
  renderRunning($('#running tbody'), state, now, { canCancel: !authRequired || token !== '', onCancel: cancel });
  renderQueue($('#queue'), $('#queue-count'), state);
  renderAgents($('[data-testid="agents"] tbody'), state);
  renderHistory($('[data-testid="history"] tbody'), state);
  $('#more').hidden = !state.nextBefore;
  if (focusKey) document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
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
