// The dashboard's pure state (ui/state.js): how SSE events change what the page shows.
import { describe, expect, it } from 'vitest';
import {
  agentHost,
  applyEvent,
  countdownText,
  drainFromOverview,
  formatDuration,
  history,
  hostsText,
  initialState,
  lastLine,
  linkText,
  tasksIn,
  withTasks,
  workerOutcome,
} from '../../ui/state.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const base = () => ({ ...initialState(), agents: [{ name: 'dev-1', type: 'dev', mode: 'process', state: 'idle', task: null }] });

describe('dashboard state', () => {
  it('queued → running → ended moves the task and the agent', () => {
    let s = applyEvent(base(), { type: 'task_queued', id: 'a', agent: 'dev-1' }, T0);
    expect(tasksIn(s, 'queued').map((t) => t.id)).toEqual(['a']);
    s = applyEvent(s, { type: 'task_started', id: 'a', agent: 'dev-1', attempt: 1 }, T0 + 10);
    expect(tasksIn(s, 'queued')).toEqual([]);
    expect(tasksIn(s, 'running')[0]).toMatchObject({ id: 'a', started_at: new Date(T0 + 10).toISOString() });
    expect(s.agents[0]).toMatchObject({ state: 'busy', task: 'a' });
    s = applyEvent(
      s,
      { type: 'task_ended', id: 'a', agent: 'dev-1', status: 'succeeded', reason: null, exit_code: 0, duration_ms: 1500 },
      T0 + 1510,
    );
    expect(tasksIn(s, 'running')).toEqual([]);
    expect(history(s)[0]).toMatchObject({ id: 'a', status: 'succeeded', duration_ms: 1500 });
    expect(s.agents[0]).toMatchObject({ state: 'idle', task: null });
  });

  it('a task_queued that arrives after the task started or ended (another host appended it later) changes nothing', () => {
    let s = applyEvent(base(), { type: 'task_started', id: 'a', agent: 'dev-1', attempt: 1 }, T0);
    expect(applyEvent(s, { type: 'task_queued', id: 'a', agent: 'dev-1' }, T0 + 1)).toBe(s);
    s = applyEvent(
      s,
      { type: 'task_ended', id: 'a', agent: 'dev-1', status: 'succeeded', reason: null, exit_code: 0, duration_ms: 5 },
      T0 + 5,
    );
    expect(applyEvent(s, { type: 'task_queued', id: 'a', agent: 'dev-1' }, T0 + 6)).toBe(s);
    expect(history(s)[0]).toMatchObject({ id: 'a', status: 'succeeded' });
  });

  it('a task started on a host shows that host on the task and the agent, until the agent is idle again', () => {
    let s = applyEvent(base(), { type: 'task_started', id: 'a', agent: 'dev-1', attempt: 1, host: 'host-b' }, T0);
    expect(tasksIn(s, 'running')[0]).toMatchObject({ id: 'a', host: 'host-b' });
    expect(s.agents[0]).toMatchObject({ state: 'busy', running_on: 'host-b' });
    expect(agentHost(s.agents[0] ?? { name: '', type: '', mode: '', state: '', task: null })).toBe('host-b');
    s = applyEvent(
      s,
      { type: 'task_ended', id: 'a', agent: 'dev-1', status: 'succeeded', reason: null, exit_code: 0, duration_ms: 5 },
      T0 + 5,
    );
    expect(history(s)[0]).toMatchObject({ id: 'a', host: 'host-b' });
    expect(s.agents[0]).toMatchObject({ state: 'idle', running_on: null });
  });

  it('an agent runs on the host running its task, else the host it names, else any; the hosts line marks this one', () => {
    const agent = { name: 'x', type: 't', mode: 'process', state: 'idle', task: null };
    expect(agentHost({ ...agent, host: 'host-b', running_on: 'host-c' })).toBe('host-c');
    expect(agentHost({ ...agent, host: 'host-b', running_on: null })).toBe('host-b');
    expect(agentHost({ ...agent, host: null, running_on: null })).toBe('any');
    expect(hostsText(initialState())).toBe('');
    const self = { id: 'host-a', seen_at: '2030-01-01T00:00:00Z', self: true };
    expect(hostsText({ ...initialState(), hostId: 'host-a', hosts: [self] })).toBe('host: host-a');
    expect(hostsText({ ...initialState(), hostId: 'host-a', hosts: [{ ...self, id: 'host-b', self: false }, self] })).toBe(
      'host: host-a · alive: host-b, host-a (this one)',
    );
  });

  it('the queue is oldest first, history newest first', () => {
    const s = withTasks(base(), [
      { id: 'old', agent: 'dev-1', status: 'queued', created_at: '2030-01-01T00:00:01Z' },
      { id: 'new', agent: 'dev-1', status: 'queued', created_at: '2030-01-01T00:00:02Z' },
      { id: 'e1', agent: 'dev-1', status: 'failed', created_at: '2030-01-01T00:00:03Z' },
      { id: 'e2', agent: 'dev-1', status: 'cancelled', created_at: '2030-01-01T00:00:04Z' },
    ]);
    expect(tasksIn(s, 'queued').map((t) => t.id)).toEqual(['old', 'new']);
    expect(history(s).map((t) => t.id)).toEqual(['e2', 'e1']);
  });

  it('service_shutdown raises the banner with the deadline and busy workers; settles and aborts show; service_ready clears it', () => {
    let s = applyEvent(
      base(),
      {
        type: 'service_shutdown',
        drain_ms: 6000,
        deadline_at: new Date(T0 + 6000).toISOString(),
        busy_workers: [
          { task: 'a', agent: 'dev-1' },
          { task: 'b', agent: 'dev-2' },
        ],
      },
      T0,
    );
    expect(s.drain?.deadline).toBe(T0 + 6000);
    expect(countdownText(s.drain?.deadline ?? 0, T0 + 1200)).toBe('5 s left of the drain budget');
    s = applyEvent(s, { type: 'task_ended', id: 'a', agent: 'dev-1', status: 'succeeded', reason: null, duration_ms: 1 }, T0 + 2000);
    s = applyEvent(s, { type: 'task_ended', id: 'b', agent: 'dev-2', status: 'cancelled', reason: 'shutdown', duration_ms: 1 }, T0 + 7000);
    expect(s.drain?.workers.map(workerOutcome)).toEqual(['succeeded', 'aborted (re-queued for the next instance)']);
    s = applyEvent(s, { type: 'service_stopping', retry_ms: 1000 }, T0 + 7100);
    expect(s.drain?.stopping).toBe(true);
    s = applyEvent(s, { type: 'service_ready', pid: 2 }, T0 + 9000);
    expect(s.drain).toBeNull();
    expect(s.service).toBe('running');
  });

  it('without deadline_at the countdown runs from the moment the event came', () => {
    const s = applyEvent(base(), { type: 'service_shutdown', drain_ms: 3000, busy_workers: [] }, T0);
    expect(s.drain?.deadline).toBe(T0 + 3000);
    expect(countdownText(T0 + 3000, T0 + 4000)).toBe('drain budget spent: aborting what is left');
  });

  it('a lost stream during a restart never reads "disconnected"', () => {
    const draining = applyEvent(base(), { type: 'service_shutdown', drain_ms: 1, busy_workers: [] }, T0);
    expect(linkText({ ...draining, link: 'reconnecting' })).toBe('restarting: waiting for the new instance');
    expect(linkText({ ...applyEvent(draining, { type: 'service_stopping' }, T0), link: 'reconnecting' })).toMatch(/restarting/);
    expect(linkText({ ...base(), link: 'reconnecting' })).toBe('reconnecting…');
    expect(linkText({ ...base(), link: 'live' })).toBe('live');
  });

  it('the drain from /overview keeps the workers already settled', () => {
    const d = drainFromOverview(
      {
        drain_ms: 5000,
        deadline_at: new Date(T0 + 5000).toISOString(),
        stopping: false,
        busy_workers: [{ task: 'a', agent: 'x', status: 'succeeded', reason: null }],
      },
      T0,
    );
    expect(d).toEqual({ deadline: T0 + 5000, stopping: false, workers: [{ task: 'a', agent: 'x', status: 'succeeded', reason: null }] });
    expect(drainFromOverview(null, T0)).toBeNull();
  });

  it('formats durations and output lines', () => {
    expect([formatDuration(null), formatDuration(850), formatDuration(4200), formatDuration(185_000), formatDuration(7_260_000)]).toEqual([
      '—',
      '850 ms',
      '4.2 s',
      '3 m 05 s',
      '2 h 01 m',
    ]);
    expect(lastLine('one\ntwo\n\n')).toBe('two');
    expect(lastLine(null)).toBe('');
  });
});
