/**
 * A TCP proxy on 127.0.0.1 in front of one target, for partition tests: `cut()` destroys every
 * proxied connection and refuses new ones (the port stops listening), `restore()` listens again on
 * the same port. `stall()` is the silent partition (a network that drops packets): nothing is
 * reset or refused, but no byte goes through either way, and new connections get no answer;
 * `unstall()` lets what waited through. What goes through is copied byte for byte.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  /** The port it listens on (the same across cut and restore). */
  port: number;
  /** Connections open through it now. */
  open(): number;
  /** Connections it has accepted since it started. */
  accepted(): number;
  /** Cut: destroy every open connection (both sides) and stop listening, so new ones are refused. */
  cut(): Promise<void>;
  /** Listen again on the same port after {@link TcpProxy.cut}. */
  restore(): Promise<void>;
  /** Stall: hold every byte in both directions (kernel buffers, so TCP flow control stops the sender), reset nothing. */
  stall(): void;
  /** Let the held bytes through, and forward again (nothing to do when not stalled). */
  unstall(): void;
  /** Stop it for good. */
  close(): Promise<void>;
}

/** Start a proxy from a free port (or `port`) on 127.0.0.1 to `target`. */
export async function startTcpProxy(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  let server: Server | undefined;
  let stalled = false;
  const connectPair = (inbound: Socket) => {
    const outbound = createConnection(target);
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  };
  // Connections accepted while stalled: no answer until unstall.
  const waiting = new Set<Socket>();
  const onConnection = (inbound: Socket) => {
    accepted += 1;
    if (!stalled) return connectPair(inbound);
    inbound.pause();
    waiting.add(inbound);
    inbound.on('error', () => waiting.delete(inbound)).on('close', () => waiting.delete(inbound));
  };
  const listen = (on: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(on, '127.0.0.1', () => {
        server = s;
        const address = s.address();
        resolve(typeof address === 'object' && address ? address.port : on);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
    });
  const cut = async () => {
    const closing = stopListening();
    for (const [inbound, outbound] of [...pairs]) {
      inbound.destroy();
      outbound.destroy();
    }
    pairs.clear();
    for (const inbound of waiting) inbound.destroy();
    waiting.clear();
    await closing;
  };
  const bound = await listen(port);
  return {
    port: bound,
    open: () => pairs.size,
    accepted: () => accepted,
    cut,
    async restore() {
      if (!server) await listen(bound);
    },
    stall() {
      stalled = true;
      for (const [inbound, outbound] of pairs) {
        inbound.unpipe(outbound);
        outbound.unpipe(inbound);
        inbound.pause();
        outbound.pause();
      }
    },
    unstall() {
      if (!stalled) return;
      stalled = false;
      for (const [inbound, outbound] of pairs) {
        inbound.pipe(outbound);
        outbound.pipe(inbound);
      }
      for (const inbound of waiting) {
        waiting.delete(inbound);
        connectPair(inbound);
      }
    },
    close: cut,
  };
}
