// The HTTP app over a real socket: what a handler returns is sent as JSON, an HttpError becomes
// its JSON answer, anything else a 500 reported once; the request hook runs before the body is
// read; HEAD has no body; the query keeps repeated keys; closing ends kept-alive connections.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../../../src/server/http/app.js';
import { parseQuery } from '../../../src/server/http/target.js';
import { HttpError } from '../../../src/server/http/body.js';

let app: HttpApp;
let base: string;
const internal: unknown[] = [];
let bodiesRead = 0;

beforeAll(async () => {
  app = createHttpApp({
    bodyLimit: 1024,
    onRequest: (req, reply) => {
      if (req.headers['x-stop'] === '1') reply.code(503).send({ error: 'stopped', message: 'hook' });
    },
    beforeSend: (reply) => reply.header('x-seen', '1'),
    notFound: (req, reply) => reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.path}` }),
    onInternalError: (error) => internal.push(error),
  });
  app.get('/value', () => ({ ok: true }));
  app.get('/query', (req) => ({ query: { ...req.query } }));
  app.get('/bad', () => {
    throw new HttpError(418, 'teapot', 'short and stout');
  });
  app.get('/boom', () => {
    throw new Error('secret detail');
  });
  app.get('/silent', () => undefined);
  app.get('/stream', (_req, reply) => reply.type('text/plain').send(Readable.from(['a', 'b'])));
  app.get('/hijack', (_req, reply) => {
    reply.hijack();
    reply.raw.end('raw');
  });
  app.post('/echo', (req) => {
    bodiesRead++;
    return { body: req.body };
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

describe('createHttpApp', () => {
  it('sends a returned value as JSON, with the beforeSend header', async () => {
    const r = await fetch(`${base}/value`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('x-seen')).toBe('1');
    expect(await r.json()).toEqual({ ok: true });
  });

  it('answers an HttpError with its status and JSON; any other error is a 500 without its message, reported', async () => {
    const bad = await fetch(`${base}/bad`);
    expect([bad.status, await bad.json()]).toEqual([418, { error: 'teapot', message: 'short and stout' }]);
    const boom = await fetch(`${base}/boom`);
    expect([boom.status, await boom.json()]).toEqual([500, { error: 'internal', message: 'Internal error' }]);
    expect(internal.map((e) => (e as Error).message)).toContain('secret detail');
    const silent = await fetch(`${base}/silent`);
    expect(silent.status).toBe(500);
    expect(internal.map((e) => (e as Error).message)).toContain('route GET /silent sent no reply');
  });

  it('runs the request hook before the body is read', async () => {
    const before = bodiesRead;
    const r = await fetch(`${base}/echo`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'x-stop': '1' },
    });
    expect(r.status).toBe(503);
    expect(bodiesRead).toBe(before);
    const ok = await fetch(`${base}/echo`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(await ok.json()).toEqual({ body: { a: 1 } });
  });

  it('answers 404 through notFound, a bad URL with 400, and HEAD without a body', async () => {
    expect(await (await fetch(`${base}/nope?x=1`)).json()).toEqual({ error: 'not_found', message: 'No route GET /nope' });
    expect((await fetch(`${base}/%zz`)).status).toBe(400);
    const head = await fetch(`${base}/value`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('pipes a stream, and leaves a hijacked response to its handler', async () => {
    expect(await (await fetch(`${base}/stream`)).text()).toBe('ab');
    expect(await (await fetch(`${base}/hijack`)).text()).toBe('raw');
  });

  it('keeps repeated query keys as arrays, and a __proto__ key as data', async () => {
    expect(await (await fetch(`${base}/query?a=1&a=2&b=x+y&__proto__=p`)).json()).toEqual({
      query: { a: ['1', '2'], b: 'x y', ['__proto__']: 'p' },
    });
    expect(Object.getPrototypeOf(parseQuery('__proto__=p'))).toBeNull();
  });
});

describe('closing', () => {
  it('answers a request on a kept-alive connection with Connection: close, then resolves', async () => {
    const other = createHttpApp({ bodyLimit: 10, notFound: (_req, reply) => reply.code(404).send({}) });
    let release = (): void => undefined;
    other.get('/slow', () => new Promise((resolve) => (release = () => resolve({ done: true }))));
    const url = await other.listen({ host: '127.0.0.1', port: 0 });
    const answer = fetch(`${url}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const closed = other.close();
    release();
    const r = await answer;
    expect(r.headers.get('connection')).toBe('close');
    expect(await r.json()).toEqual({ done: true });
    await closed;
    expect(other.server.listening).toBe(false);
  });
});
