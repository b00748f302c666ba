// The HTTP kit under hostile or careless clients, over real sockets: bodies past the limit (declared
// and chunked) end their connection after the 413; a cut upload is no internal error; HEAD on a
// streamed route answers; what Node's parser refuses is answered in the app's JSON shape; an
// absolute-form target routes; `Expect: 100-continue` gets no 100 for a request refused first;
// an error after a hijack is reported; close() does not wait for idle connections of an extra listener.
import { rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../../../src/server/http/app.js';
import { openStream } from '../../../src/server/http/reply.js';
import { portOf, rawExchange, statuses } from '../../harness/raw-http.js';

let app: HttpApp;
let port: number;
const internal: unknown[] = [];
let failMidStream = (): void => undefined;

const post = (path: string, headers: string, body = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;
const get = (path: string, method = 'GET'): string => `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
const bodyOf = (text: string): unknown => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

beforeAll(async () => {
  app = createHttpApp({
    bodyLimit: 16,
    onRequest: (req, reply) => {
      if (req.headers['x-deny'] === '1') reply.code(401).send({ error: 'unauthorized', message: 'no' });
    },
    notFound: (req, reply) => reply.code(404).send({ error: 'not_found', message: `No route ${req.method} ${req.path}` }),
    onInternalError: (error) => internal.push(error),
  });
  app.get('/x', () => ({ ok: true }));
  app.post('/echo', (req) => ({ body: req.body }));
  app.get('/stream', (_req, reply) => {
    if (!openStream(reply, { 'content-type': 'text/event-stream' })) return;
    reply.raw.write(': open\n\n');
  });
  app.get('/fails-mid-stream', async (_req, reply) => {
    if (!openStream(reply, { 'content-type': 'text/plain' })) return;
    reply.raw.write('part');
    await new Promise<void>((resolve) => (failMidStream = resolve));
    throw new Error('lost the log');
  });
  port = portOf(await app.listen({ host: '127.0.0.1', port: 0 }));
});
afterAll(async () => {
  await app.close();
});

describe('bodies past the limit', () => {
  it('a Content-Length past the limit: 413, then the connection closes (the rest is not read as a next request)', async () => {
    const r = await rawExchange(port, [post('/echo', 'Content-Length: 100\r\n', 'a'.repeat(100)) + get('/x')]);
    expect(statuses(r.text)).toEqual([413]);
    expect(r.text).toMatch(/connection: close/i);
    expect(r.closed).toBe(true);
  });
  it('a chunked body past the limit: 413, then the connection closes', async () => {
    const chunk = `20\r\n${'a'.repeat(32)}\r\n`;
    const r = await rawExchange(port, [post('/echo', 'Transfer-Encoding: chunked\r\n'), chunk, chunk, '0\r\n\r\n']);
    expect(statuses(r.text)).toEqual([413]);
    expect(bodyOf(r.text)).toMatchObject({ error: 'too_large' });
    expect(r.closed).toBe(true);
  });
  it('a chunked body within the limit is read', async () => {
    const r = await rawExchange(port, [post('/echo', 'Transfer-Encoding: chunked\r\n'), '3\r\n{"a\r\n', '4\r\n":1}\r\n', '0\r\n\r\n'], {
      waitMs: 300,
    });
    expect(statuses(r.text)).toEqual([200]);
    expect(bodyOf(r.text)).toEqual({ body: { a: 1 } });
  });
  it('an upload cut off mid-body is not an internal error, and the server goes on', async () => {
    const before = internal.length;
    await rawExchange(port, [post('/echo', 'Content-Length: 10\r\n', '{"a"')], { cut: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(internal.slice(before)).toEqual([]);
    expect(statuses((await rawExchange(port, [get('/x')], { waitMs: 300 })).text)).toEqual([200]);
  });
});

describe('what the parser refuses, in the JSON shape', () => {
  it.each([
    ['Content-Length and Transfer-Encoding both', post('/echo', 'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n')],
    ['two different Content-Lengths', post('/echo', 'Content-Length: 2\r\nContent-Length: 3\r\n', '{}x')],
    ['a lowercase method', 'get /x HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('%s: 400 JSON, connection closed', async (_what, request) => {
    const r = await rawExchange(port, [request]);
    expect(statuses(r.text)).toEqual([400]);
    expect(bodyOf(r.text)).toEqual({ error: 'bad_request', message: expect.any(String) });
    expect(r.closed).toBe(true);
  });
  it('headers past the size limit: 431 JSON', async () => {
    const r = await rawExchange(port, [`GET /x HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(statuses(r.text)).toEqual([431]);
    expect(bodyOf(r.text)).toEqual({ error: 'too_large', message: expect.any(String) });
  });
});

describe('targets and methods', () => {
  it('an absolute-form target routes like its path', async () => {
    const r = await rawExchange(port, ['GET http://x/x?y=1 HTTP/1.1\r\nHost: x\r\n\r\n'], { waitMs: 300 });
    expect(statuses(r.text)).toEqual([200]);
  });
  it('HEAD on a streamed route answers with its headers and no body, and the connection goes on', async () => {
    const r = await rawExchange(port, [get('/stream', 'HEAD') + get('/x')], { waitMs: 500 });
    expect(statuses(r.text)).toEqual([200, 200]);
    expect(r.text).toContain('text/event-stream');
    expect(r.text).not.toContain(': open');
  });
});

describe('Expect: 100-continue', () => {
  const expecting = (length: number, extra = ''): string => post('/echo', `Content-Length: ${length}\r\nExpect: 100-continue\r\n${extra}`);
  it('no 100 Continue for a body refused by its length, or a request refused by the hook', async () => {
    expect(statuses((await rawExchange(port, [expecting(100)])).text)).toEqual([413]);
    expect(statuses((await rawExchange(port, [expecting(2, 'X-Deny: 1\r\n')], { waitMs: 300 })).text)).toEqual([401]);
  });
  it('100 Continue, then the answer, for a body that is read', async () => {
    const r = await rawExchange(port, [expecting(7), '{"a":1}'], { waitMs: 300, gapMs: 50 });
    expect(statuses(r.text)).toEqual([100, 200]);
  });
});

describe('errors after the response began', () => {
  it('a handler that throws after its hijack: the connection is cut and the error reported', async () => {
    const exchange = rawExchange(port, [get('/fails-mid-stream')]);
    await new Promise((r) => setTimeout(r, 100));
    failMidStream();
    const r = await exchange;
    expect(r.text).toContain('part');
    expect(r.closed).toBe(true);
    expect(internal.map((e) => (e as Error).message)).toContain('lost the log');
  });
});

describe('close() with an extra listener', () => {
  it('drops an idle keep-alive connection that listener handed over, rather than waiting for its timeout', async () => {
    const other = createHttpApp({ bodyLimit: 16, notFound: (_req, reply) => reply.code(404).send({}) });
    other.get('/x', () => ({ ok: true }));
    await other.listen({ host: '127.0.0.1', port: 0 });
    const path = join(tmpdir(), `hooksctl-extra-${process.pid}.sock`);
    rmSync(path, { force: true });
    const extra = createNetServer((socket) => other.server.emit('connection', socket));
    await new Promise<void>((resolve) => extra.listen(path, resolve));
    other.onClose(() => new Promise((resolve) => extra.close(() => resolve())));
    const idle = rawExchange(path, [get('/x')], { waitMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    const r = await idle;
    expect([statuses(r.text), r.closed]).toEqual([[200], true]);
  });
});

describe('timeouts', () => {
  it('a client that stalls in its headers gets a 408 and is dropped; a stream outlives the request timeout', async () => {
    const timed = createHttpApp({
      bodyLimit: 16,
      notFound: (_req, reply) => reply.code(404).send({}),
      timeouts: { headersMs: 200, requestMs: 300, checkEveryMs: 50 },
    });
    let write = (_text: string): void => undefined;
    timed.get('/stream', (_req, reply) => {
      if (!openStream(reply, { 'content-type': 'text/event-stream' })) return;
      write = (text) => reply.raw.write(text);
    });
    const timedPort = portOf(await timed.listen({ host: '127.0.0.1', port: 0 }));
    const stream = rawExchange(timedPort, [get('/stream')], { waitMs: 1500 });
    const stalled = await rawExchange(timedPort, ['GET /stream HTTP/1.1\r\nHost: x\r\n'], { waitMs: 1500 });
    expect([statuses(stalled.text), stalled.closed]).toEqual([[408], true]);
    expect(bodyOf(stalled.text)).toEqual({ error: 'timeout', message: expect.any(String) });
    write('data: late\n\n');
    const open = await stream;
    expect(open.text).toContain('data: late');
    expect(open.closed).toBe(false);
    await timed.close();
  });
  it('a server error once listening is reported, not thrown', () => {
    const before = internal.length;
    app.server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
    expect(internal.slice(before).map((e) => (e as Error).message)).toEqual(['accept EMFILE']);
  });
});
