// The hand-over on a real listening HTTP app: once it begins, new connections are refused,
// and a connection accepted just before, whose request is still on its way, is answered. With
// the store, the full checkpoint comes before the listener closes, and the store's close after.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/server/http/app.js';
import { handOver, handOverAndClose } from '../../src/service/handover.js';
import { realTimers } from '../../src/timers.js';
import { portOf, rawExchange, statuses } from '../harness/raw-http.js';

describe('handOver', () => {
  it('stops accepting, still answers a request on a connection accepted just before, then closes', async () => {
    const app = createHttpApp({ bodyLimit: 1024, notFound: (_req, reply) => reply.code(404).send({}) });
    app.get('/x', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // A connection the server has accepted, whose request has not been sent yet.
    const early = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => early.once('connect', () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    let answer = '';
    early.on('data', (d: Buffer) => (answer += d.toString()));
    const closed = new Promise<void>((resolve) => early.once('close', () => resolve()));

    const done = handOver(app);
    await new Promise((r) => setTimeout(r, 50));
    const late = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(late).toBe('ECONNREFUSED');
    early.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    await done;
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('{"ok":true}');
  });

  it('cuts a connection still busy after the grace (a client stalled in its headers), so the hand-over ends', async () => {
    const app = createHttpApp({ bodyLimit: 1024, notFound: (_req, reply) => reply.code(404).send({}) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const stalled = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write('GET /x HTTP/1.1\r\nHost: x\r\n'); // and never the blank line
    const cut = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    stalled.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await handOver(app, { timers: realTimers, graceMs: 200 });
    await cut;
    // Without the bound it would wait for Node's headers timeout (60 s): the test's own timeout says so.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('with the store: folds the log in full while the listener still accepts, closes the store after the listener', async () => {
    const app = createHttpApp({ bodyLimit: 1024, notFound: (_req, reply) => reply.code(404).send({}) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const steps: string[] = [];
    const store = {
      compact: async (mode?: 'idle' | 'full') => void steps.push(`compact ${mode ?? ''} listening=${String(app.server.listening)}`),
      close: async () => void steps.push(`close listening=${String(app.server.listening)}`),
    };
    await handOverAndClose(app, store, { timers: realTimers, graceMs: 200 });
    expect(steps).toEqual(['compact full listening=true', 'close listening=false']);
  });

  it('a request that arrives during the (synchronous) checkpoint is answered by this instance, not left in the backlog', async () => {
    const app = createHttpApp({ bodyLimit: 1024, notFound: (_req, reply) => reply.code(404).send({}) });
    app.get('/x', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = portOf(`http://127.0.0.1:${String((app.server.address() as { port: number }).port)}`);
    let answer: Promise<{ text: string }> | undefined;
    const store = {
      // Like better-sqlite3's wal_checkpoint: the event loop is blocked while it runs, and a client connects meanwhile.
      compact: async () => {
        answer = rawExchange(port, ['GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], { waitMs: 1000 });
        const until = Date.now() + 300;
        while (Date.now() < until);
      },
      close: async () => {},
    };
    await handOverAndClose(app, store, { timers: realTimers, graceMs: 2000 });
    const r = await (answer ?? Promise.reject(new Error('compact never ran')));
    expect(statuses(r.text)).toEqual([200]);
  });

  it('a checkpoint that fails still hands over and closes the store, then reports the error', async () => {
    const app = createHttpApp({ bodyLimit: 1024, notFound: (_req, reply) => reply.code(404).send({}) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    let closed = false;
    const store = {
      compact: async () => {
        throw new Error('disk I/O error');
      },
      close: async () => {
        closed = true;
      },
    };
    await expect(handOverAndClose(app, store, { timers: realTimers, graceMs: 200 })).rejects.toThrow('disk I/O error');
    expect(app.server.listening).toBe(false);
    expect(closed).toBe(true);
  });
});
