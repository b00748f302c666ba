// Raw HTTP/1.1 over a socket, for what fetch cannot send: bad framing, pipelining, a stalled or cut upload.
import { connect, type Socket } from 'node:net';

/** What came back on one connection: the bytes read, and whether the server closed it. */
export interface RawExchange {
  /** Everything the server wrote, as text. */
  text: string;
  /** True when the server ended the connection within the wait; false when the wait ran out first. */
  closed: boolean;
}

/** A URL's port (a test server listens on 127.0.0.1:0). */
export function portOf(base: string): number {
  return Number(new URL(base).port);
}

/**
 * Connect to `port` (or a unix socket path), write each part of `parts` in turn (`gapMs` apart),
 * and read until the server closes or `waitMs` passes; `cut` destroys the socket after the last part.
 */
export function rawExchange(
  target: number | string,
  parts: Array<string | Buffer>,
  options: { waitMs?: number; gapMs?: number; cut?: boolean } = {},
): Promise<RawExchange> {
  const { waitMs = 1000, gapMs = 10, cut = false } = options;
  return new Promise((resolve) => {
    const socket: Socket = typeof target === 'number' ? connect(target, '127.0.0.1') : connect(target);
    let text = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.once('connect', () => {
      void (async () => {
        for (const part of parts) {
          socket.write(part);
          await new Promise((r) => setTimeout(r, gapMs));
        }
        if (cut) socket.destroy();
      })();
    });
  });
}

/** The status codes of every response in `text`, in order (`100` for an interim 100 Continue). */
export function statuses(text: string): number[] {
  return [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]));
}
