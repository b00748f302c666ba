// The partition proxy on real sockets (no mocks): bytes go through both ways, cut() drops open
// connections and refuses new ones, restore() listens again on the same port, stall() holds
// every byte without resetting anything and unstall() lets them through.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// An echo server that upper-cases what it gets.
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.on('data', (d: Buffer) => s.write(d.toString().toUpperCase())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

// Connect, or fail with the error code.
const connect = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
const roundTrip = (s: Socket, text: string) =>
  new Promise<string>((resolve) => {
    s.once('data', (d: Buffer) => resolve(d.toString()));
    s.write(text);
  });
const closed = (s: Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

describe('startTcpProxy', () => {
  let echo: { server: Server; port: number } | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    echo?.server.close();
  });

  it('forwards both ways, cuts open connections and refuses new ones, and restores the same port', async () => {
    echo = await echoServer();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    const first = await connect(proxy.port);
    expect(await roundTrip(first, 'hello')).toBe('HELLO');
    expect(proxy.open()).toBe(1);

    await proxy.cut();
    await closed(first);
    expect(proxy.open()).toBe(0);
    await expect(connect(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await proxy.restore();
    await proxy.restore(); // idempotent
    const second = await connect(proxy.port);
    expect(await roundTrip(second, 'again')).toBe('AGAIN');
    expect(proxy.accepted()).toBe(2);
    second.destroy();
  });

  it('closes the client side when the target closes its side', async () => {
    const inbound: Socket[] = [];
    const server = createServer((c) => void inbound.push(c));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    echo = { server, port: typeof address === 'object' && address ? address.port : 0 };
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    const s = await connect(proxy.port);
    const p = proxy;
    await waitUntil(() => inbound.length === 1 && p.open() === 1);
    inbound[0]?.destroy();
    await closed(s);
    await waitUntil(() => p.open() === 0);
  });

  it('stall holds bytes both ways and answers no new connection, resetting nothing; unstall lets them through', async () => {
    echo = await echoServer();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    const open = await connect(proxy.port);
    expect(await roundTrip(open, 'a')).toBe('A');
    proxy.stall();
    const late = await connect(proxy.port);
    const got: string[] = [];
    open.on('data', (d: Buffer) => got.push(d.toString()));
    late.on('data', (d: Buffer) => got.push(d.toString()));
    open.write('held');
    late.write('new');
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
    expect(open.destroyed || late.destroyed).toBe(false);
    proxy.unstall();
    await waitUntil(() => got.length === 2);
    expect(got.sort()).toEqual(['HELD', 'NEW']);
    open.destroy();
    late.destroy();
  });
});

// Poll a condition on the event loop (at most 2 s).
async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
