// GET /tasks/:id/output over a real listening HTTP app and a real SQLite store: the whole log as
// text/plain, 404s for an unknown task and a task without a log, and ?follow=1 streaming a
// running task's log until it ends (HEAD of it answers with its headers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpApp } from '../../src/server/http/app.js';
import { buildServer } from '../../src/server/app.js';
import { createSseHub } from '../../src/server/sse-hub.js';
import { createDispatcher } from '../../src/tasks/dispatcher.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import type { TaskStore } from '../../src/tasks/store.js';
import { systemClock } from '../../src/runtime.js';
import { portOf, rawExchange, statuses } from '../harness/raw-http.js';

let app: HttpApp;
let base: string;
let store: TaskStore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hooks-output-route-'));
  store = await openSqliteStore(':memory:', systemClock);
  const dispatcher = createDispatcher({
    store,
    agents: ['dev-default'],
    clock: systemClock,
    onEvent: () => {},
    runner: () => new Promise(() => {}),
  });
  app = await buildServer({
    store,
    dispatcher,
    hub: createSseHub(),
    agents: new Set(['dev-default']),
    token: undefined,
    webhookSecret: undefined,
    intake: () => 'open',
    closing: () => false,
    health: async () => ({ ok: true, state: 'running', running: 0, queued: 0, checks: {} }),
    log: () => {},
    outputLogDir: dir,
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

// A task row claimed (running); `end` finishes it.
async function runningTask() {
  const { row } = await store.enqueue({ agent: 'dev-default', payload: null, source: 'http' });
  await store.claim(row.id);
  return { id: row.id, end: () => store.finish(row.id, { status: 'succeeded', reason: null, exitCode: 0, output: 'tail' }) };
}

describe('GET /tasks/:id/output', () => {
  it('serves the whole log as text/plain', async () => {
    const t = await runningTask();
    await t.end();
    writeFileSync(join(dir, `${t.id}.log`), 'line 1\nline 2\n');
    const r = await fetch(`${base}/tasks/${t.id}/output`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await r.text()).toBe('line 1\nline 2\n');
  });

  it('is 404 not_found for an unknown task, 404 no_output for an ended task without a log, 400 for a bad id', async () => {
    const unknown = await fetch(`${base}/tasks/00000000-0000-4000-8000-000000000000/output`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('not_found');
    const t = await runningTask();
    await t.end();
    const none = await fetch(`${base}/tasks/${t.id}/output`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toBe('no_output');
    expect((await fetch(`${base}/tasks/..%2F..%2Fetc/output`)).status).toBe(400);
  });

  it("HEAD of an ended task's log: its headers and length, no body, and the connection goes on", async () => {
    const t = await runningTask();
    await t.end();
    writeFileSync(join(dir, `${t.id}.log`), 'x'.repeat(5000));
    const head = `HEAD /tasks/${t.id}/output HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`;
    const r = await rawExchange(portOf(base), [head], { waitMs: 500 });
    expect(statuses(r.text)).toEqual([200, 200]);
    expect(r.text).toMatch(/content-length: 5000\r\n/i);
    expect(r.text).toMatch(/content-type: text\/plain/i);
    expect(r.text).not.toContain('xxxx');
  });

  it('a fifo where the log would be is 404 no_output at once, not a request that waits for a writer', async () => {
    const t = await runningTask();
    await t.end();
    execFileSync('mkfifo', [join(dir, `${t.id}.log`)]);
    const r = await fetch(`${base}/tasks/${t.id}/output`, { signal: AbortSignal.timeout(5_000) });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toBe('no_output');
  });

  it('HEAD of ?follow=1 on a running task answers with the headers at once, and the connection goes on', async () => {
    const t = await runningTask();
    writeFileSync(join(dir, `${t.id}.log`), 'line one\n');
    const head = `HEAD /tasks/${t.id}/output?follow=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`;
    const r = await rawExchange(portOf(base), [head], { waitMs: 500 });
    expect(statuses(r.text)).toEqual([200, 200]);
    expect(r.text).not.toContain('line one');
    await t.end();
  });

  it('?follow=1 streams what a running task writes and ends when the task has ended', async () => {
    const t = await runningTask();
    const log = join(dir, `${t.id}.log`);
    writeFileSync(log, 'first\n');
    const r = await fetch(`${base}/tasks/${t.id}/output?follow=1`);
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (want: string) => {
      while (!text.includes(want)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('first\n');
    appendFileSync(log, 'second\n');
    await readUntil('second\n');
    appendFileSync(log, 'last\n');
    await t.end();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toBe('first\nsecond\nlast\n');
  });
});
