// The task verbs (status, tasks, task, cancel, logs) as a user runs them: the built CLI against a
// real `hooksctl serve` process with a token, a service that is down, and bad ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, freePort, waitFor, writeServeConfig } from '../harness/serve.js';

const TOKEN = 'verbs-token';
const spawnServe = () =>
  execa(process.execPath, [BIN, 'serve', '--config', cfg], { reject: false, env: { NOTIFY_SOCKET: '', HOOKS_TOKEN: TOKEN } });
let serve: ReturnType<typeof spawnServe>;
let cfg: string;
let port: number;
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

const cli = (args: string[], env: Record<string, string> = { HOOKS_TOKEN: TOKEN }) =>
  execa(process.execPath, [BIN, ...args, '--config', cfg], { reject: false, env: { ...env, HOOKS_CONFIG: '' } });
const post = async (body: unknown) =>
  (await (await fetch(`http://127.0.0.1:${port}/task`, { method: 'POST', headers: auth, body: JSON.stringify(body) })).json()) as {
    id: string;
  };
const get = async (path: string) =>
  (await (await fetch(`http://127.0.0.1:${port}${path}`, { headers: auth })).json()) as Record<string, unknown>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-verbs-'));
  port = await freePort();
  cfg = writeServeConfig(dir, { service: { port, db: join(dir, 'data/hooks.db') }, pool: [{ name: 'dev-2', type: 'dev' }] });
  serve = spawnServe();
  await waitFor('serve to answer', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, 20_000);
});
afterAll(async () => {
  serve?.kill('SIGTERM');
  await serve;
});

describe('task verbs against a running serve', () => {
  it('tasks, task, logs: a finished task, as text and JSON', async () => {
    const { id } = await post({ agent: 'dev-default', payload: { hello: 'verbs' } });
    await waitFor('task to succeed', async () => (await get(`/tasks/${id}`))['status'] === 'succeeded');

    const list = await cli(['tasks', '--json']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).tasks[0]).toMatchObject({ id, status: 'succeeded' });
    const text = await cli(['tasks', '--status', 'succeeded']);
    expect(text.stdout).toMatch(new RegExp(`^ID +AGENT +HOST +STATUS`));
    expect(text.stdout).toContain(id);

    const one = await cli(['task', id, '--json']);
    expect(one.exitCode, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ id, agent: 'dev-default', status: 'succeeded', attempt: 1 });
    expect((await cli(['task', id.toUpperCase()])).stdout).toMatch(/status +succeeded, exit 0/);

    // The full output, from GET /tasks/:id/output (no fallback note).
    const logs = await cli(['logs', id]);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('"hello":"verbs"');
    expect(logs.stderr).not.toContain('has no GET /tasks/:id/output');
  });

  it('--agent filters, and a bad --status or --limit is exit 2', async () => {
    const { id } = await post({ agent: 'dev-2', payload: {} });
    await waitFor('dev-2 task to end', async () => (await get(`/tasks/${id}`))['status'] === 'succeeded');
    const r = await cli(['tasks', '--agent', 'dev-2', '--json']);
    const tasks = JSON.parse(r.stdout).tasks as Array<Record<string, unknown>>;
    expect(tasks.map((t) => t['id'])).toContain(id);
    expect(tasks.every((t) => t['agent'] === 'dev-2')).toBe(true);
    expect((await cli(['tasks', '--status', 'sleeping'])).exitCode).toBe(2);
    expect((await cli(['tasks', '--limit', '0'])).exitCode).toBe(2);
  });

  it('cancel a running task; logs -f follows it to its end; a second cancel is exit 1', async () => {
    const { id } = await post({ agent: 'dev-default', payload: { sleep_ms: 60_000 } });
    await waitFor('running', async () => (await get(`/tasks/${id}`))['status'] === 'running');
    const follow = cli(['logs', '-f', id]);
    const status = await cli(['status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ health: { state: 'running', running: 1 } });
    expect(JSON.parse(status.stdout).agents).toContainEqual(expect.objectContaining({ name: 'dev-default', state: 'busy', task: id }));
    const c = await cli(['cancel', id, '--json']);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toEqual({ id, status: 'cancelling', host: expect.any(String) });
    const followed = await follow;
    expect(followed.exitCode, followed.stderr).toBe(0);
    expect((await get(`/tasks/${id}`))['status']).toBe('cancelled');
    const again = await cli(['cancel', id, '--json']);
    expect(again.exitCode).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe('hooks.client.conflict');
  });

  it('bad ids: malformed is exit 2, unknown is exit 1, for task, cancel and logs', async () => {
    for (const verb of ['task', 'cancel', 'logs']) {
      const bad = await cli([verb, 'not-a-uuid', '--json'].slice(0, verb === 'logs' ? 2 : 3));
      expect(bad.exitCode, verb).toBe(2);
      expect(bad.stderr).toContain('Expected a task id');
      const unknown = await cli([verb, '00000000-0000-4000-8000-000000000000']);
      expect(unknown.exitCode, `${verb}: ${unknown.stderr}`).toBe(1);
      expect(unknown.stderr).toContain('hooks.client.not_found');
    }
  });

  it('without the token: exit 78 naming the variable', async () => {
    const r = await cli(['tasks'], {});
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain('$HOOKS_TOKEN');
  });

  it('a service that is down: every verb says so and exits 69', async () => {
    const downDir = mkdtempSync(join(tmpdir(), 'hooks-down-'));
    const down = writeServeConfig(downDir, { service: { port: await freePort() } });
    for (const args of [
      ['status'],
      ['tasks'],
      ['task', '00000000-0000-4000-8000-000000000000'],
      ['cancel', '00000000-0000-4000-8000-000000000000'],
      ['logs', '00000000-0000-4000-8000-000000000000'],
    ]) {
      const r = await execa(
        process.execPath,
        [BIN, ...args, '--config', down, '--json'].filter((a) => a !== '--json' || args[0] !== 'logs'),
        { reject: false },
      );
      expect(r.exitCode, args.join(' ')).toBe(69);
      if (args[0] !== 'logs') expect(JSON.parse(r.stderr).error.code).toBe('hooks.client.unavailable');
      else expect(r.stderr).toMatch(/not running at http:\/\/127\.0\.0\.1:\d+/);
    }
  });

  it('a service that breaks off its answer: exit 69 with a clear line, no stack trace', async () => {
    const broken = createServer((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 99\r\n\r\n{"a"')),
    );
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const address = broken.address();
    const brokenPort = typeof address === 'object' && address !== null ? address.port : 0;
    const dir = mkdtempSync(join(tmpdir(), 'hooks-broken-'));
    const config = writeServeConfig(dir, { service: { port: brokenPort } });
    try {
      for (const json of [false, true]) {
        const r = await execa(process.execPath, [BIN, 'status', '--config', config, ...(json ? ['--json'] : [])], { reject: false });
        expect(r.exitCode, r.stderr).toBe(69);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        if (json) expect(JSON.parse(r.stderr).error.code).toBe('hooks.client.unavailable');
        else expect(r.stderr).toMatch(/broke off its answer/);
      }
    } finally {
      broken.close();
    }
  });
});
