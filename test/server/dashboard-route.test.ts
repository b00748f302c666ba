// The dashboard routes over a real listening HTTP server and a real SQLite store: the shell and
// its assets are public (and shipped in ui/), /overview needs the token, /events takes it as ?token=.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/server/http/app.js';
import { request } from 'node:http';
import { buildServer } from '../../src/server/app.js';
import { createSseHub, type SseHub } from '../../src/server/sse-hub.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import type { TaskStore } from '../../src/tasks/store.js';
import { createDispatcher } from '../../src/tasks/dispatcher.js';
import { systemClock } from '../../src/runtime.js';

const TOKEN = 'tok-dash';
let app: HttpApp;
let base: string;
let store: TaskStore;
let hub: SseHub;
// The engine's answer for this host's containers (a fake: the real read is tested against dockerd).
let containers: () => Promise<ReadonlyMap<string, 'running' | 'stopped' | 'paused'>> = async () => new Map([['box-1', 'running']]);

beforeAll(async () => {
  store = await openSqliteStore(':memory:', systemClock);
  await store.syncAgents([
    { name: 'dev-default', type: 'dev', mode: 'process', spec: 'a' },
    { name: 'box-1', type: 'box', mode: 'container', spec: 'b' },
  ]);
  const dispatcher = createDispatcher({
    store,
    agents: ['dev-default'],
    clock: systemClock,
    onEvent: () => {},
    runner: () => new Promise(() => {}),
  });
  hub = createSseHub({ log: store });
  app = await buildServer({
    store,
    dispatcher,
    hub,
    agents: new Set(['dev-default']),
    token: TOKEN,
    webhookSecret: undefined,
    intake: () => 'open',
    closing: () => false,
    health: async () => ({ ok: true, state: 'running', running: 0, queued: 0, checks: {} }),
    log: () => {},
    containerStates: () => containers(),
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

// The first chunk of an SSE response, or its status when it is not a stream.
function openEvents(path: string): Promise<{ status: number; first: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, (res) => {
      res.once('data', (chunk: Buffer) => {
        resolve({ status: res.statusCode ?? 0, first: chunk.toString() });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard shell and assets', () => {
  it('GET / is the page, public, with a CSP and the token prompt switched on', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await r.text();
    expect(html).toContain('<meta name="hooks-auth" content="token" />');
    expect(html).toContain('role="alert"');
    expect(html).not.toMatch(/https?:\/\//);
    // The task tables and the agents table have a Host column; the header has the hosts line.
    expect(html.match(/<th scope="col">Host<\/th>/g)).toHaveLength(3);
    expect(html).toContain('data-testid="hosts"');
  });

  it.each([
    ['app.js', /javascript/],
    ['state.js', /javascript/],
    ['render.js', /javascript/],
    ['style.css', /css/],
  ])('GET /ui/%s is served from the package', async (file, type) => {
    const r = await fetch(`${base}/ui/${file}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(type);
  });

  it('any other asset name is 404, traversal included', async () => {
    for (const path of ['/ui/nope.js', '/ui/..%2Fpackage.json', '/ui/%2e%2e%2fpackage.json']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });
});

describe('GET /overview', () => {
  it('needs the token', async () => {
    expect((await fetch(`${base}/overview`)).status).toBe(401);
  });

  it('lists the agents with mode and state, and no drain while running', async () => {
    const r = await fetch(`${base}/overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await r.json()) as Record<string, unknown>;
    expect(body['agents']).toEqual([
      { name: 'box-1', type: 'box', mode: 'container', state: 'idle', task: null, host: null, running_on: null, container: 'running' },
      { name: 'dev-default', type: 'dev', mode: 'process', state: 'idle', task: null, host: null, running_on: null, container: null },
    ]);
    expect(body['drain']).toBeNull();
    expect(body['features']).toEqual({ output: false });
  });

  it.each([
    ['stopped', async () => new Map([['box-1', 'stopped' as const]]), 'stopped'],
    ['no container for the instance', async () => new Map(), 'missing'],
    ['the engine failing', () => Promise.reject(new Error('Cannot connect to the Docker daemon')), 'unavailable'],
  ])('the container column with %s: %s, and the overview still answers', async (_what, states, shown) => {
    containers = states;
    try {
      const r = await fetch(`${base}/overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      const agents = ((await r.json()) as { agents: Array<Record<string, unknown>> }).agents;
      expect(agents.map((a) => [a['name'], a['container']])).toEqual([
        ['box-1', shown],
        ['dev-default', null],
      ]);
    } finally {
      containers = async () => new Map([['box-1', 'running']]);
    }
  });

  it('shows the drain from the event log until service_ready', async () => {
    const deadline = new Date(Date.now() + 5000).toISOString();
    hub.broadcast('service_shutdown', { drain_ms: 5000, deadline_at: deadline, busy_workers: [{ task: 't1', agent: 'dev-default' }] });
    hub.broadcast('task_ended', { id: 't1', agent: 'dev-default', status: 'succeeded', reason: null });
    await hub.flushed();
    const during = (await (await fetch(`${base}/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(during['drain']).toMatchObject({
      drain_ms: 5000,
      deadline_at: deadline,
      busy_workers: [{ task: 't1', agent: 'dev-default', status: 'succeeded', reason: null }],
    });
    hub.broadcast('service_ready', {});
    await hub.flushed();
    const after = (await (await fetch(`${base}/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(after['drain']).toBeNull();
  });
});

describe('the token on /events', () => {
  it('without it, 401', async () => {
    expect((await openEvents('/events')).status).toBe(401);
  });
  it('a wrong ?token= is 401', async () => {
    expect((await openEvents('/events?token=nope')).status).toBe(401);
  });
  it('the right ?token= opens the stream', async () => {
    const r = await openEvents(`/events?token=${TOKEN}`);
    expect(r.status).toBe(200);
    expect(r.first).toContain(': hooksctl events');
  });
  it('?token= is accepted on /events only', async () => {
    expect((await fetch(`${base}/tasks?token=${TOKEN}`)).status).toBe(401);
    expect((await fetch(`${base}/overview?token=${TOKEN}`)).status).toBe(401);
  });
});
