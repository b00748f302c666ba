// The task verbs' client against real sockets that misbehave: one that never answers, one that
// stops mid-answer, one that breaks its answer off. Each is exit 69 with a clear message, never a hang.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceClient } from '../../src/cli/service-client.js';
import { parseConfig } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { isHooksError } from '../../src/errors.js';

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server on a free loopback port that does `onRequest` with each connection's first bytes. */
async function misbehaving(onRequest: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => onRequest(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const clientFor = (port: number, timeoutMs: number) => {
  const defaults = defaultConfig(process.execPath);
  const config = parseConfig({ ...defaults, service: { ...defaults.service, host: '127.0.0.1', port } }, 'test');
  return createServiceClient(config, {}, { timeoutMs });
};

// The error a call rejected with, checked to be hooks.client.unavailable (exit 69).
async function unavailable(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => expect.unreachable('the call resolved'),
    (e: unknown) => e,
  );
  expect(isHooksError(error, 'hooks.client.unavailable') && error.exitCode).toBe(69);
  return error as Error;
}

describe('service client against a misbehaving service', () => {
  it('a service that accepts but never answers: exit 69 after the timeout, not a hang', async () => {
    const port = await misbehaving(() => {});
    const started = Date.now();
    const error = await unavailable(clientFor(port, 300).get('/overview'));
    expect(error.message).toMatch(/did not answer within 0\.3 s/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a stream that never starts times out too', async () => {
    const port = await misbehaving(() => {});
    const error = await unavailable(clientFor(port, 300).stream('/tasks/x/output?follow=1', () => {}));
    expect(error.message).toMatch(/did not answer/);
  });

  it('an answer that stops half-way: exit 69 after the timeout', async () => {
    const port = await misbehaving((s) => s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a"'));
    const error = await unavailable(clientFor(port, 300).get('/tasks'));
    expect(error.message).toMatch(/stopped sending its answer within 0\.3 s/);
  });

  it('an answer broken off before its content-length: exit 69 naming it, not an internal error', async () => {
    const port = await misbehaving((s) => s.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a"'));
    const error = await unavailable(clientFor(port, 5_000).get('/tasks'));
    expect(error.message).toMatch(/broke off its answer/);
  });

  it('a followed stream may stay quiet past the timeout once it has started', async () => {
    const port = await misbehaving((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n');
      setTimeout(() => s.end('3\r\ndef\r\n0\r\n\r\n'), 700);
    });
    let text = '';
    const answer = await clientFor(port, 300).stream('/tasks/x/output?follow=1', (chunk) => (text += chunk));
    expect(answer.status).toBe(200);
    expect(text).toBe('abcdef');
  });
});
