// The task verbs' pure parts: id checks, the route-missing test of logs, and the text they print.
import { describe, expect, it } from 'vitest';
import { isHooksError } from '../../src/errors.js';
import { parseTaskId } from '../../src/cli/task-id.js';
import { isMissingRoute } from '../../src/cli/commands/logs.js';
import { formatCancel, formatStatus, formatTask, formatTaskTable } from '../../src/cli/task-format.js';
import { serviceAddress } from '../../src/cli/service-client.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';

const NOW = Date.parse('2030-01-01T00:01:00Z');
const task = {
  id: '3f0c9a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6',
  agent: 'dev-2',
  host: 'host-b',
  status: 'cancelled',
  reason: 'shutdown',
  attempt: 1,
  exit_code: null,
  retry_of: null,
  retried_as: '00000000-0000-4000-8000-000000000000',
  created_at: '2030-01-01T00:00:00Z',
  started_at: '2030-01-01T00:00:01Z',
  ended_at: '2030-01-01T00:00:05.5Z',
  payload: { sleep_ms: 1 },
  output: 'a\nb\n',
};

describe('task verbs', () => {
  it('parseTaskId: a UUID passes (lower-cased); anything else is hooks.client.bad_id, exit 2', () => {
    expect(parseTaskId(task.id.toUpperCase())).toBe(task.id);
    for (const bad of ['', 'abc', `${task.id}x`, '../../etc/passwd', '3f0c9a7e1b2d4c5e8f90a1b2c3d4e5f6aaaa']) {
      try {
        parseTaskId(bad);
        expect.unreachable(bad);
      } catch (error) {
        expect(isHooksError(error, 'hooks.client.bad_id') && error.exitCode).toBe(2);
      }
    }
  });

  it('isMissingRoute tells the route 404 from the task 404', () => {
    const answer = (json: Record<string, unknown>) => ({ status: 404, text: '', json });
    expect(isMissingRoute(answer({ error: 'not_found', message: 'No route GET /tasks/x/output' }))).toBe(true);
    expect(isMissingRoute(answer({ error: 'not_found', message: 'No task x' }))).toBe(false);
    expect(isMissingRoute({ status: 200, text: '', json: undefined })).toBe(false);
  });

  it('formats the answer to a cancel: ended, being stopped here, or requested of the host running it', () => {
    expect(formatCancel(task.id, { status: 'cancelled', host: null })).toBe(`cancelled ${task.id}`);
    expect(formatCancel(task.id, { status: 'cancelling', host: 'host-a' })).toBe(
      `cancelling ${task.id}: it was running and is being stopped`,
    );
    expect(formatCancel(task.id, { status: 'cancel_requested', host: 'host-b' })).toBe(
      `cancel requested for ${task.id}: it runs on host host-b, which stops it`,
    );
    expect(formatCancel(task.id, { status: 'cancel_requested' })).toContain('on host unknown');
  });

  it('formats a table, one task and the status', () => {
    const lines = formatTaskTable([task], NOW);
    expect(lines[0]).toMatch(/^ID +AGENT +HOST +STATUS +ATTEMPT +DURATION +CREATED$/);
    expect(lines[1]).toMatch(/ host-b +cancelled/);
    expect(lines[1]).toContain('cancelled/shutdown');
    expect(lines[1]).toContain('4s 500ms');
    const one = formatTask(task, NOW);
    expect(one).toContain('status   cancelled (shutdown)');
    expect(one).toContain('host     host-b');
    expect(one).toContain(`attempt  1 → retried as ${task.retried_as}`);
    expect(one.slice(-3)).toEqual(['output:', '  a', '  b']);
    const status = formatStatus(
      {
        health: { ok: false, state: 'draining', running: 1, queued: 2 },
        drain: {
          drain_ms: 6000,
          deadline_at: '2030-01-01T00:01:04Z',
          stopping: false,
          busy_workers: [{ task: 't', agent: 'dev-2', status: null, reason: null }],
        },
        agents: [
          { name: 'dev-2', type: 'dev', mode: 'process', state: 'busy', task: 't', host: 'host-b', running_on: 'host-b' },
          { name: 'dev-default', type: 'dev', mode: 'process', state: 'idle', task: null, host: null, running_on: null },
        ],
        host_id: 'host-a',
        hosts: [
          { id: 'host-b', seen_at: '2030-01-01T00:00:59Z', self: false },
          { id: 'host-a', seen_at: '2030-01-01T00:00:58Z', self: true },
        ],
      },
      NOW,
    );
    expect(status).toEqual([
      'state    draining (not accepting new work)',
      'host     host-a',
      'hosts    host-b, host-a (this one) alive',
      'load     1 running, 2 queued',
      'drain    4 s left of the drain budget',
      '  dev-2: t running',
      'agents:',
      '  INSTANCE     TYPE  MODE     HOST    STATE',
      '  dev-2        dev   process  host-b  busy t',
      '  dev-default  dev   process  any     idle',
    ]);
  });

  it('status shows a CONTAINER column only when some instance here runs in a container', () => {
    const status = formatStatus(
      {
        health: { ok: true, state: 'running', running: 0, queued: 0 },
        agents: [
          { name: 'box-1', type: 'box', mode: 'container', state: 'idle', task: null, host: null, running_on: null, container: 'stopped' },
          { name: 'dev-default', type: 'dev', mode: 'process', state: 'idle', task: null, host: null, running_on: null, container: null },
        ],
      },
      NOW,
    );
    expect(status.slice(-3)).toEqual([
      '  INSTANCE     TYPE  MODE       HOST  STATE  CONTAINER',
      '  box-1        box   container  any   idle   stopped',
      '  dev-default  dev   process    any   idle   -',
    ]);
  });

  it('serviceAddress reaches a wildcard host on loopback', () => {
    const config = defaultConfig('/usr/bin/node') as unknown as Config;
    expect(serviceAddress({ ...config, service: { ...config.service, host: '0.0.0.0' } })).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(serviceAddress({ ...config, service: { ...config.service, host: '[::1]' } })).toEqual({ host: '::1', port: 8787 });
  });
});
