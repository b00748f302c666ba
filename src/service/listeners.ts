/**
 * Adopting the listening sockets systemd passes (socket activation, sd_listen_fds(3)) onto the
 * HTTP app: the first TCP fd becomes the app's own listener, every other one (a unix socket
 * from `unit.listen_unix`) hands its connections to the same HTTP server. A task child spawned
 * after that does not hold an adopted fd (checked on /proc by the integration test); an fd that
 * is not adopted is closed here, so it cannot leak into one either.
 */
import { closeSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { ExitCode, HooksError } from '../errors.js';
import type { HttpApp } from '../server/http/app.js';
import type { ListenFd } from '../systemd/listen/listen-fds.js';

/** The names of fds this service adopts: its socket unit's FileDescriptorName=, or systemd's defaults. */
export function isHttpListener(fd: ListenFd): boolean {
  return fd.name === 'http' || fd.name === 'unknown' || fd.name.endsWith('.socket');
}

/** What kind of socket an fd is, read from /proc (injectable for tests). */
export type FdKind = 'tcp' | 'unix';

/** Reads /proc: `readlink(/proc/self/fd/N)` and the text of `/proc/self/net/unix`. */
export interface ProcReader {
  /** The target of /proc/self/fd/N, e.g. `socket:[12345]`. */
  fdLink(fd: number): string;
  /** The text of /proc/self/net/unix. */
  unixTable(): string;
}

/** The real /proc. */
export const realProc: ProcReader = {
  fdLink: (fd) => readlinkSync(`/proc/self/fd/${fd}`),
  unixTable: () => readFileSync('/proc/self/net/unix', 'utf8'),
};

/**
 * `unix` when the fd's socket inode is in the unix socket table, else `tcp`. Node cannot tell a
 * TCP fd from a unix one before opening it, and the app's own listener must have a TCP address.
 */
export function fdKind(fd: number, proc: ProcReader): FdKind {
  const inode = /^socket:\[(\d+)\]$/.exec(proc.fdLink(fd))?.[1];
  if (inode === undefined) throw notASocket(fd);
  // Columns of /proc/net/unix: Num RefCount Protocol Flags Type St Inode Path.
  const unix = proc
    .unixTable()
    .split('\n')
    .slice(1)
    .some((line) => line.trim().split(/\s+/)[6] === inode);
  return unix ? 'unix' : 'tcp';
}

// An fd passed as a listener that is not a socket.
function notASocket(fd: number): HooksError {
  return new HooksError('hooks.serve.listen_fds', `Socket activation passed fd ${fd}, which is not a socket`, {
    exitCode: ExitCode.config,
  });
}

/** What {@link adoptListeners} did. */
export interface AdoptedListeners {
  /** The fds listened on, with their kind. */
  adopted: { fd: number; name: string; kind: FdKind }[];
  /** The fds passed but not ours (closed). */
  closed: ListenFd[];
}

/**
 * Listen on the passed fds: the first TCP one through `server.listen`, the others forwarding to
 * `server.server`. No TCP fd is `hooks.serve.listen_fds` (exit 78): the socket unit must carry
 * `ListenStream=` of `service.host:port`. The extra listeners close when the app closes.
 */
export async function adoptListeners(server: HttpApp, fds: readonly ListenFd[], proc: ProcReader = realProc): Promise<AdoptedListeners> {
  const closed = fds.filter((f) => !isHttpListener(f));
  for (const f of closed) closeSync(f.fd);
  const adopted = fds.filter(isHttpListener).map((f) => ({ ...f, kind: fdKind(f.fd, proc) }));
  const primary = adopted.find((f) => f.kind === 'tcp');
  if (primary === undefined)
    throw new HooksError(
      'hooks.serve.listen_fds',
      'Socket activation passed no TCP listener: the socket unit needs ListenStream=<service.host>:<service.port>',
      {
        exitCode: ExitCode.config,
      },
    );
  const extras: Server[] = [];
  server.onClose(async () => {
    await Promise.all(extras.map((s) => new Promise((resolve) => s.close(resolve))));
  });
  await server.listen({ fd: primary.fd });
  for (const f of adopted.filter((a) => a !== primary)) extras.push(await forward(server, f.fd));
  return { adopted, closed };
}

// A listener on `fd` whose connections the app's HTTP server handles.
async function forward(server: HttpApp, fd: number): Promise<Server> {
  const extra = createServer((socket) => server.server.emit('connection', socket));
  await new Promise<void>((resolve, reject) => {
    extra.once('error', reject);
    extra.listen({ fd }, () => {
      extra.off('error', reject);
      resolve();
    });
  });
  return extra;
}
