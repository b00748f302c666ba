// The dashboard's state and how each SSE event changes it: pure functions, no DOM, so they are
// unit-tested in Node (test/server/dashboard-state.test.ts) and the page only renders their result.

/** The statuses a task ends in. */
export const END_STATUSES = ['succeeded', 'failed', 'cancelled', 'crashed'];

/** The empty state: nothing loaded, no drain. */
export function initialState() {
  return {
    tasks: new Map(),
    order: [],
    agents: [],
    drain: null,
    service: 'unknown',
    link: 'connecting',
    nextBefore: null,
    hostId: null,
    hosts: [],
  };
}

/** Put tasks (API views) into the state, keeping newest first by creation time; returns the new state. */
export function withTasks(state, views) {
  const tasks = new Map(state.tasks);
  for (const v of views) tasks.set(v.id, { ...tasks.get(v.id), ...v });
  const order = [...tasks.values()]
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
    .map((t) => t.id);
  return { ...state, tasks, order };
}

/** Apply one SSE event (its parsed data, with `type`) at wall time `now` (ms); returns the new state. */
export function applyEvent(state, event, now) {
  switch (event.type) {
    case 'task_queued':
      // An announcement that arrives after the task started (two hosts append on their own chains) changes nothing.
      if (state.tasks.has(event.id) && state.tasks.get(event.id)?.status !== 'queued') return state;
      return withTasks(state, [
        {
          id: event.id,
          agent: event.agent,
          status: 'queued',
          created_at: state.tasks.get(event.id)?.created_at ?? new Date(now).toISOString(),
        },
      ]);
    case 'task_started':
      return withAgentBusy(
        withTasks(state, [
          {
            id: event.id,
            agent: event.agent,
            status: 'running',
            attempt: event.attempt,
            started_at: new Date(now).toISOString(),
            ...(event.host === undefined ? {} : { host: event.host }),
          },
        ]),
        event.agent,
        event.id,
        event.host ?? null,
      );
    case 'task_ended':
      return withDrainSettled(
        withAgentBusy(
          withTasks(state, [
            {
              id: event.id,
              agent: event.agent,
              status: event.status,
              reason: event.reason,
              exit_code: event.exit_code,
              duration_ms: event.duration_ms,
              ended_at: new Date(now).toISOString(),
            },
          ]),
          event.agent,
          null,
        ),
        event,
      );
    case 'service_shutdown':
      return { ...state, service: 'draining', drain: drainFrom(event, now) };
    case 'service_stopping':
      return { ...state, service: 'stopping', drain: state.drain && { ...state.drain, stopping: true } };
    case 'service_ready':
      return { ...state, service: 'running', drain: null };
    default:
      return state;
  }
}

// The banner's model from a service_shutdown event: the deadline the service gave, else now + drain_ms.
function drainFrom(event, now) {
  const deadline = typeof event.deadline_at === 'string' ? Date.parse(event.deadline_at) : now + (event.drain_ms ?? 0);
  const workers = (event.busy_workers ?? []).map((w) => ({ task: w.task, agent: w.agent, status: null, reason: null }));
  return { deadline, workers, stopping: false };
}

/** The drain view from `/overview` (server shape) as the banner's model, or null. */
export function drainFromOverview(view, now) {
  if (!view) return null;
  const d = drainFrom(view, now);
  return { ...d, stopping: Boolean(view.stopping), workers: view.busy_workers.map((w) => ({ ...w })) };
}

// Mark a busy worker of the drain as settled.
function withDrainSettled(state, event) {
  if (!state.drain || !state.drain.workers.some((w) => w.task === event.id)) return state;
  const workers = state.drain.workers.map((w) => (w.task === event.id ? { ...w, status: event.status, reason: event.reason ?? null } : w));
  return { ...state, drain: { ...state.drain, workers } };
}

// The agent runs `task` now, on `host` (null: idle).
function withAgentBusy(state, agent, task, host = null) {
  const busy = (a) => ({ ...a, state: task ? 'busy' : 'idle', task, running_on: task ? host : null });
  return { ...state, agents: state.agents.map((a) => (a.name === agent ? busy(a) : a)) };
}

/** Where an agent instance runs, as `hooksctl status` says it: the host running its task, else the host it names, else any host. */
export function agentHost(agent) {
  return agent.running_on || agent.host || 'any';
}

/** The hosts line: this host, and the hosts alive on a shared store (more than one), this one marked. */
export function hostsText(state) {
  if (!state.hostId) return '';
  const others = state.hosts.filter((h) => !h.self);
  if (others.length === 0) return `host: ${state.hostId}`;
  return `host: ${state.hostId} · alive: ${state.hosts.map((h) => (h.self ? `${h.id} (this one)` : h.id)).join(', ')}`;
}

/** Tasks in one status, oldest first (the queue) or newest first. */
export function tasksIn(state, status) {
  const list = state.order.map((id) => state.tasks.get(id)).filter((t) => t && t.status === status);
  return status === 'queued' ? list.reverse() : list;
}

/** Ended tasks, newest first, at most `limit`. */
export function history(state, limit = 200) {
  return state.order
    .map((id) => state.tasks.get(id))
    .filter((t) => t && END_STATUSES.includes(t.status))
    .slice(0, limit);
}

/** A task's duration in ms: `duration_ms` when known, else from its start and end times, else null. */
export function durationOf(task) {
  if (typeof task.duration_ms === 'number') return task.duration_ms;
  if (task.started_at && task.ended_at) return Date.parse(task.ended_at) - Date.parse(task.started_at);
  return null;
}

/** A duration as people read it: `850 ms`, `4.2 s`, `3 m 05 s`, `2 h 01 m`. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

/** The banner's countdown text: whole seconds left to the deadline, never negative. */
export function countdownText(deadline, now) {
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  return left > 0 ? `${left} s left of the drain budget` : 'drain budget spent: aborting what is left';
}

/** How a busy worker of the drain stands: still running, finished, or aborted by the shutdown. */
export function workerOutcome(w) {
  if (w.status === null) return 'running';
  if (w.status === 'cancelled' && w.reason === 'shutdown') return 'aborted (re-queued for the next instance)';
  return w.status;
}

/**
 * The link line under the title. While a drain or restart is announced, a lost stream is the
 * restart, not an outage: it says so instead of "disconnected".
 */
export function linkText(state) {
  if (state.link === 'live') return 'live';
  if (state.drain || state.service === 'draining' || state.service === 'stopping') return 'restarting: waiting for the new instance';
  return state.link === 'connecting' ? 'connecting…' : 'reconnecting…';
}

/** The last non-empty line of a task's output, or ''. */
export function lastLine(text) {
  if (typeof text !== 'string') return '';
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1) ?? '';
}
