// The dashboard's DOM: each part of the page built from the state (./state.js) and replaced whole.
// No fetching and no timers here: ./app.js calls these on each render and passes what they act on.
import { agentHost, countdownText, durationOf, formatDuration, history, tasksIn, workerOutcome } from './state.js';

// One element with its properties (dataset, DOM properties, else attributes) and children.
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

/** The drain banner in `banner`: hidden while the service runs; during a drain, its countdown and each busy worker's fate. */
export function renderBanner(banner, state, now) {
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

// A task's table row: its short id, agent and host, then `cells`.
function taskRow(t, ...cells) {
  return el(
    'tr',
    { id: `task-${t.id}`, dataset: { task: t.id } },
    el('td', { className: 'id', title: t.id }, t.id.slice(0, 8)),
    el('td', {}, t.agent),
    el('td', { className: 'host', title: t.host ?? '' }, t.host ?? '—'),
    ...cells,
  );
}

function taskLink(state, id, text) {
  return el('a', { href: state.tasks.has(id) ? `#task-${id}` : `/tasks/${id}` }, text);
}

/** The running tasks as rows of `tbody`, each with a Cancel button (`onCancel(id, button)`), disabled unless `canCancel`. */
export function renderRunning(tbody, state, now, { canCancel, onCancel }) {
  const rows = tasksIn(state, 'running').map((t) =>
    taskRow(
      t,
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
            onclick: (e) => onCancel(t.id, e.currentTarget),
            ariaLabel: `Cancel task ${t.id}`,
          },
          'Cancel',
        ),
      ),
    ),
  );
  tbody.replaceChildren(...(rows.length > 0 ? rows : [el('tr', {}, el('td', { colSpan: 7 }, 'Nothing running.'))]));
}

/** The queued tasks as items of `list`, and their number in `count`. */
export function renderQueue(list, count, state) {
  const queued = tasksIn(state, 'queued');
  count.textContent = `(${queued.length})`;
  list.replaceChildren(
    ...queued.map((t) => el('li', { id: `task-${t.id}`, dataset: { task: t.id } }, `${t.agent}: `, el('code', {}, t.id.slice(0, 8)))),
  );
}

/** The agent instances as rows of `tbody`: type, mode, host, busy or idle, and the container's state. */
export function renderAgents(tbody, state) {
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
  tbody.replaceChildren(...rows);
}

/** The ended tasks, newest first, as rows of `tbody`, with links to the previous and next attempt. */
export function renderHistory(tbody, state) {
  const rows = history(state).map((t) =>
    taskRow(
      t,
      el('td', { className: `status-${t.status}` }, t.status),
      el('td', {}, t.reason ?? ''),
      el('td', {}, String(t.attempt ?? 1)),
      el('td', {}, formatDuration(durationOf(t))),
      el(
        'td',
        {},
        t.retry_of ? taskLink(state, t.retry_of, '← previous') : null,
        t.retry_of && t.retried_as ? ' ' : null,
        t.retried_as ? taskLink(state, t.retried_as, 'next →') : null,
      ),
    ),
  );
  tbody.replaceChildren(...rows);
}
