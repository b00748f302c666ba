// The HTTP API over a real listening HTTP server and a real SQLite store (runner faked: pure queueing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/server/http/app.js';
import { buildServer } from '../../src/server/app.js';
import { createSseHub } from '../../src/server/sse-hub.js';
import type { Intake } from '../../src/server/deps.js';
import { signBody } from '../../src/server/signature.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import type { TaskStore } from '../../src/tasks/store.js';
import { createDispatcher } from '../../src/tasks/dispatcher.js';
import { systemClock } from '../../src/runtime.js';
import { portOf, rawExchange, statuses } from '../harness/raw-http.js';

const SECRET = 'hook-secret';
const TOKEN = 'tok-123';
let app: HttpApp;
let base: string;
let store: TaskStore;
let intake: Intake = 'open';
let closing = false;

beforeAll(async () => {
  store = await openSqliteStore(':memory:', systemClock);
  const dispatcher = createDispatcher({
    store,
    agents: ['dev-default', 'dev-2'],
    clock: systemClock,
    onEvent: () => {},
    runner: () => new Promise(() => {}),
  });
  app = await buildServer({
    store,
    dispatcher,
    hub: createSseHub(),
    agents: new Set(['dev-default', 'dev-2']),
    token: TOKEN,
    webhookSecret: SECRET,
    intake: () => intake,
    closing: () => closing,
    health: async () => ({ ok: true, state: 'running', running: 0, queued: 0, checks: {} }),
    log: () => {},
    bodyLimit: 64 * 1024,
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...auth, ...headers } });
const issue = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    action: 'assigned',
    issue: { number: 7, title: 'fix', body: 'b', assignees: [{ login: 'dev-2' }] },
    repository: { full_name: 'o/r' },
    ...extra,
  });
const hook = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/webhook/forgejo`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('POST /task', () => {
  it('queues a task: 202 with id and status', async () => {
    const r = await post('/task', JSON.stringify({ agent: 'dev-default', payload: { x: 1 } }));
    expect(r.status).toBe(202);
    const body = (await r.json()) as { id: string; status: string };
    expect(body.status).toBe('queued');
    const g = await fetch(`${base}/tasks/${body.id}`, { headers: auth });
    expect(await g.json()).toMatchObject({ id: body.id, agent: 'dev-default', attempt: 1, exit_code: null });
  });

  const bad: Array<[string, string, number, Record<string, string>?]> = [
    ['malformed JSON', '{"agent":', 400],
    ['an empty body', '', 400],
    ['a JSON array', '[1,2]', 400],
    ['a JSON string', '"dev-default"', 400],
    ['a missing agent', '{"payload":{}}', 400],
    ['a numeric agent', '{"agent":5}', 400],
    ['an empty agent', '{"agent":""}', 400],
    ['an unknown field', '{"agent":"dev-default","priority":1}', 400],
    ['an unknown agent', '{"agent":"nope"}', 404],
    [
      'a payload nested 30,000 levels deep (would overflow the stack when stored)',
      `{"agent":"dev-default","payload":${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
      400,
    ],
    ['a payload nested 64 levels deep', `{"agent":"dev-default","payload":${'['.repeat(64)}${']'.repeat(64)}}`, 400],
    ['an agent with a newline', '{"agent":"dev-default\\nX"}', 404],
    ['a body over the limit', JSON.stringify({ agent: 'dev-default', payload: 'x'.repeat(70 * 1024) }), 413],
    ['a non-JSON content type', 'agent=dev-default', 415, { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a JSON body sent as text/plain', '{"agent":"dev-default"}', 415, { 'content-type': 'text/plain' }],
    ['a __proto__ key in the payload', '{"agent":"dev-default","payload":{"__proto__":{"admin":true}}}', 400],
    ['no bearer token', '{"agent":"dev-default"}', 401, { authorization: '' }],
    ['a wrong bearer token', '{"agent":"dev-default"}', 401, { authorization: 'Bearer nope' }],
  ];
  it.each(bad)('rejects %s', async (_what, body, status, headers) => {
    const r = await post('/task', body, headers ?? {});
    expect(r.status).toBe(status);
    const json = (await r.json()) as { error: string; message: string };
    expect(typeof json.message).toBe('string');
    expect(json.message).not.toMatch(/\n\s+at /);
  });
  it('a body that is not UTF-8: 400, not stored with replacement characters', async () => {
    const body = Buffer.concat([Buffer.from('{"agent":"dev-default","payload":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const r = await fetch(`${base}/task`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...auth } });
    expect([r.status, await r.json()]).toEqual([400, { error: 'bad_request', message: 'Body is not valid UTF-8' }]);
  });
  it('says why a body with a __proto__ key is refused', async () => {
    const r = await post('/task', '{"agent":"dev-default","payload":{"__proto__":{"admin":true}}}');
    expect(await r.json()).toEqual({ error: 'bad_request', message: expect.stringContaining('"__proto__" key') });
  });
});

describe('GET /tasks/:id and POST /cancel/:id', () => {
  it('404 for an unknown id, 400 for a malformed one', async () => {
    expect((await fetch(`${base}/tasks/00000000-0000-0000-0000-000000000000`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/tasks/..%2f..%2fetc`, { headers: auth })).status).toBe(400);
    expect((await post('/cancel/00000000-0000-0000-0000-000000000000', '{}')).status).toBe(404);
  });
  it('a URL with broken percent-encoding: 400 in the same JSON shape as every other error', async () => {
    for (const path of ['/tasks/%zz', '/%E0%A4%A']) {
      const r = await fetch(`${base}${path}`, { headers: auth });
      expect(r.status, path).toBe(400);
      expect(await r.json()).toEqual({ error: 'bad_request', message: expect.stringContaining('not a valid url component') });
    }
  });
  it('a path parameter over the router limit: 414 (as fastify gave), in the same JSON shape', async () => {
    const r = await fetch(`${base}/tasks/${'a'.repeat(200)}`, { headers: auth });
    expect(r.status).toBe(414);
    expect(await r.json()).toEqual({ error: 'bad_request', message: expect.any(String) });
  });
  it('cancels a queued task, then says it already ended', async () => {
    await post('/task', JSON.stringify({ agent: 'dev-2' }));
    const r = await post('/task', JSON.stringify({ agent: 'dev-2' }));
    const { id } = (await r.json()) as { id: string };
    expect((await post(`/cancel/${id}`, '{}')).status).toBe(202);
    expect(await store.get(id)).toMatchObject({ status: 'cancelled', reason: 'user' });
    expect((await post(`/cancel/${id}`, '{}')).status).toBe(409);
  });
  it('a task running elsewhere (not in this dispatcher) gets a cancel mark: 202 cancel_requested with its host', async () => {
    const { row } = await store.enqueue({ agent: 'on-other-host', payload: null });
    await store.claim(row.id);
    const r = await post(`/cancel/${row.id}`, '{}');
    expect(r.status).toBe(202);
    expect(await r.json()).toEqual({ id: row.id, status: 'cancel_requested', host: 'local' });
    expect(await store.get(row.id)).toMatchObject({ status: 'running', cancel_requested: 'user' });
    expect(await (await fetch(`${base}/tasks/${row.id}`, { headers: auth })).json()).toMatchObject({ cancel_requested: 'user' });
  });
});

describe('GET /tasks', () => {
  interface Page {
    tasks: Array<{ id: string; status: string; agent: string }>;
    next_before: string | null;
    counts: Record<string, number>;
  }
  const list = async (query: string) => {
    const r = await fetch(`${base}/tasks${query}`, { headers: auth });
    return { status: r.status, body: (await r.json()) as Page & { error?: string; message?: string } };
  };

  it('without a filter lists every task newest first, paginated with limit and the next_before cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await store.enqueue({ agent: 'dev-2', payload: i })).row.id);
    await store.claim(ids[1] ?? '');
    const first = await list('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.tasks.map((t) => t.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.tasks.map((t) => t.status)).toEqual(['queued', 'running']);
    expect(typeof first.body.next_before).toBe('string');
    const second = await list(`?limit=1&before=${first.body.next_before ?? ''}`);
    expect(second.body.tasks.map((t) => t.id)).toEqual([ids[0]]);
    // Walking every page visits every task once, newest first.
    const seen: string[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page: { body: Page } = await list(`?limit=2${cursor === '' ? '' : `&before=${cursor}`}`);
      seen.push(...page.body.tasks.map((t) => t.id));
      cursor = page.body.next_before;
    }
    const total = Object.values(first.body.counts).reduce((a, b) => a + b, 0);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
  });

  it('status may repeat', async () => {
    const both = await list('?status=queued&status=running&limit=1000');
    expect(both.status).toBe(200);
    expect(new Set(both.body.tasks.map((t) => t.status))).toEqual(new Set(['queued', 'running']));
    expect(both.body.tasks).toHaveLength((both.body.counts['queued'] ?? 0) + (both.body.counts['running'] ?? 0));
    expect(both.body.next_before).toBeNull();
    const running = await list('?status=running');
    expect(running.body.tasks.every((t) => t.status === 'running')).toBe(true);
  });

  it('agent keeps one instance, and pages with it', async () => {
    const all = await list('?limit=1000');
    const ofOne = all.body.tasks.filter((t) => t.agent === 'dev-2').map((t) => t.id);
    expect(ofOne.length).toBeGreaterThan(0);
    const first = await list('?agent=dev-2&limit=1');
    expect(first.status).toBe(200);
    expect(first.body.tasks.map((t) => t.id)).toEqual(ofOne.slice(0, 1));
    const rest = await list(`?agent=dev-2&limit=1000&before=${first.body.next_before ?? ''}`);
    expect([...first.body.tasks, ...rest.body.tasks].map((t) => t.id)).toEqual(ofOne);
    expect((await list('?agent=gone-instance')).body.tasks).toEqual([]);
  });

  it.each([
    '?status=bogus',
    '?status=queued&status=nope',
    '?limit=0',
    '?limit=1001',
    '?limit=ten',
    '?limit=1.5',
    '?limit=1&limit=2',
    '?before=abc',
    '?before=-3',
    '?before=0',
    '?before=1&before=2',
    '?agent=a&agent=b',
    '?agent=',
    '?agent=%0Adev',
    '?agent=../x',
  ])('400 with a message for %s', async (query) => {
    const r = await list(query);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'bad_request', message: expect.any(String) });
  });
});

describe('POST /webhook/forgejo', () => {
  it('turns a signed assignment into a task, and a replay into the same task', async () => {
    const body = issue();
    const headers = { 'x-forgejo-signature': signBody(SECRET, body), 'x-forgejo-delivery': 'd-1', 'x-forgejo-event': 'issues' };
    const r = await hook(body, headers);
    expect(r.status).toBe(202);
    const first = (await r.json()) as { tasks: Array<{ id: string; agent: string; duplicate: boolean }> };
    expect(first.tasks).toEqual([expect.objectContaining({ agent: 'dev-2', duplicate: false })]);
    const again = (await (await hook(body, headers)).json()) as typeof first;
    expect(again.tasks[0]).toMatchObject({ id: first.tasks[0]?.id, duplicate: true });
  });
  it('accepts Gitea and GitHub signature headers and agent: labels', async () => {
    const body = issue({ action: 'labeled', issue: { number: 8, labels: [{ name: 'agent:dev-default' }] } });
    expect((await hook(body, { 'x-gitea-signature': signBody(SECRET, body), 'x-gitea-delivery': 'g-1' })).status).toBe(202);
    expect((await hook(body, { 'x-hub-signature-256': `sha256=${signBody(SECRET, body)}`, 'x-github-delivery': 'h-1' })).status).toBe(202);
  });
  const badSig: Array<[string, Record<string, string>]> = [
    ['a missing signature', {}],
    ['a wrong signature', { 'x-forgejo-signature': signBody('other', issue()) }],
    ['a non-hex signature', { 'x-forgejo-signature': 'zz'.repeat(32) }],
    ['a truncated signature', { 'x-forgejo-signature': signBody(SECRET, issue()).slice(0, 20) }],
    ['a GitHub header without the sha256= prefix', { 'x-hub-signature-256': signBody(SECRET, issue()) }],
    ['a signature of a different body', { 'x-forgejo-signature': signBody(SECRET, issue({ action: 'opened' })) }],
  ];
  it.each(badSig)('401 for %s', async (_what, headers) => {
    const r = await hook(issue(), headers);
    expect(r.status).toBe(401);
  });
  it('400 for a correctly signed body that is not JSON', async () => {
    const body = '{not json';
    expect((await hook(body, { 'x-forgejo-signature': signBody(SECRET, body) })).status).toBe(400);
  });
  it('415 for a correctly signed body sent as text/plain: not a signature mismatch', async () => {
    const body = issue();
    const r = await hook(body, { 'x-forgejo-signature': signBody(SECRET, body), 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(await r.json()).toMatchObject({ error: 'unsupported_media_type', message: expect.stringContaining('application/json') });
  });
  it('400 for a correctly signed body that is not UTF-8', async () => {
    const body = Buffer.concat([Buffer.from(issue().slice(0, -1)), Buffer.from(',"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    const r = await fetch(`${base}/webhook/forgejo`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-forgejo-signature': signBody(SECRET, body) },
    });
    expect([r.status, await r.json()]).toEqual([400, { error: 'bad_json', message: 'Body is not valid UTF-8' }]);
  });
  it('400 for a correctly signed body nested too deep', async () => {
    const body = issue().replace(/}$/, `,"sender":${'['.repeat(30_000)}${']'.repeat(30_000)}}`);
    const r = await hook(body, { 'x-forgejo-signature': signBody(SECRET, body) });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: 'bad_json', message: expect.stringMatching(/nested/) });
  });
  it('200 and ignored for an event that assigns no agent', async () => {
    const body = JSON.stringify({ action: 'assigned', issue: { number: 1, assignees: [{ login: 'alice' }] } });
    const r = await hook(body, { 'x-forgejo-signature': signBody(SECRET, body) });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ tasks: [], ignored: expect.any(String) });
  });
});

describe('intake refuse (shutdown.intake = refuse) during the drain', () => {
  it('503 with Retry-After for new work, reads still answered', async () => {
    intake = 'refuse';
    try {
      const r = await post('/task', JSON.stringify({ agent: 'dev-default' }));
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect((await hook(issue(), {})).status).toBe(503);
      expect((await post('/%74ask', JSON.stringify({ agent: 'dev-default' }))).status).toBe(503);
      expect(
        (await fetch(`${base}/webhook/%66orgejo`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status,
      ).toBe(503);
      expect((await post('/c%61ncel/00000000-0000-0000-0000-000000000000', '{}')).status).toBe(503);
      expect((await fetch(`${base}/events`, { headers: auth })).status).toBe(503);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      intake = 'open';
    }
  });
});

describe('intake defer (the default while starting or draining)', () => {
  it('stores new work queued without running it: 202 with deferred and the task URL; webhook replays stay deduplicated', async () => {
    intake = 'defer';
    try {
      const r = await post('/task', JSON.stringify({ agent: 'dev-default', payload: { late: true } }));
      expect(r.status).toBe(202);
      const body = (await r.json()) as { id: string; status: string; deferred?: boolean; url: string };
      expect(body).toMatchObject({ status: 'queued', deferred: true, url: `/tasks/${body.id}` });
      expect(await store.get(body.id)).toMatchObject({ status: 'queued' });
      const again = await fetch(`${base}${body.url}`, { headers: auth });
      expect(again.status).toBe(200);
      const delivery = { 'x-forgejo-signature': signBody(SECRET, issue()), 'x-forgejo-delivery': 'defer-1' };
      const first = await hook(issue(), delivery);
      expect(first.status).toBe(202);
      const firstBody = (await first.json()) as { tasks: Array<{ id: string; deferred?: boolean; duplicate: boolean }> };
      expect(firstBody.tasks[0]).toMatchObject({ deferred: true, duplicate: false });
      const replay = await hook(issue(), delivery);
      expect(replay.status).toBe(200);
      expect(((await replay.json()) as { tasks: Array<{ id: string; duplicate: boolean }> }).tasks[0]).toMatchObject({
        id: firstBody.tasks[0]?.id,
        duplicate: true,
      });
      expect(await fetch(`${base}/events`, { headers: auth, signal: AbortSignal.timeout(300) }).then((res) => res.status)).toBe(200);
    } finally {
      intake = 'open';
    }
  });

  it('HEAD /events answers with the stream headers and ends, so a pipelined request is answered too', async () => {
    const head = `HEAD /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`;
    const r = await rawExchange(portOf(base), [head], { waitMs: 500 });
    expect(statuses(r.text)).toEqual([200, 200]);
    expect(r.text).toContain('text/event-stream');
    expect(r.text).not.toContain(': hooksctl events');
  });

  it('once the hand-over begins, every response says Connection: close', async () => {
    closing = true;
    try {
      const r = await fetch(`${base}/healthz`);
      expect(r.headers.get('connection')).toBe('close');
    } finally {
      closing = false;
    }
  });
});
