/**
 * Notifier: typed sd_notify(3) messages over libsystemd (the `sd-notify` package's `sendState`).
 * Not running under systemd (no NOTIFY_SOCKET) is a result, `{ sent: false, reason: 'no-socket' }`.
 * libsystemd reads NOTIFY_SOCKET itself and handles `@abstract` sockets.
 * See https://www.freedesktop.org/software/systemd/man/sd_notify.html
 */
import { createRequire } from 'node:module';
import type { Env } from '../../runtime.js';
import { formatNotify, type NotifyFields } from './format.js';

export { formatNotify, sanitizeStatus, type NotifyFields } from './format.js';

/** What happened to one notification. */
export type NotifyResult = { sent: true } | { sent: false; reason: 'no-socket' | 'error'; error?: string };

/** Typed sd_notify messages. Every method returns a {@link NotifyResult}; none throws for I/O. */
export interface Notifier {
  /** Send any combination of states in one datagram. */
  send(f: NotifyFields): NotifyResult;
  /** `READY=1`, with an optional STATUS. */
  ready(status?: string): NotifyResult;
  /** `STATUS=text`. */
  status(text: string): NotifyResult;
  /** `STOPPING=1`, with an optional STATUS. */
  stopping(status?: string): NotifyResult;
  /** `EXTEND_TIMEOUT_USEC=usec`, with an optional STATUS. */
  extendTimeout(usec: number, status?: string): NotifyResult;
  /** `WATCHDOG=1`: keepalive. */
  watchdog(): NotifyResult;
  /** `WATCHDOG=trigger`: ask systemd to act as if the watchdog ran out. */
  watchdogTrigger(): NotifyResult;
  /** `RELOADING=1` with `MONOTONIC_USEC` from the monotonic clock. */
  reloading(): NotifyResult;
  /** `MAINPID=pid`. */
  mainpid(pid: number): NotifyResult;
  /** `ERRNO=n`. */
  errno(n: number): NotifyResult;
}

/** Options for {@link createNotifier}. */
export interface NotifierOptions {
  /** The environment; NOTIFY_SOCKET decides whether anything is sent. */
  env: Env;
  /** Delivers the wire text; defaults to libsystemd `sd_notify(0, text)` via `sd-notify`. */
  transport?: (text: string) => void;
  /** CLOCK_MONOTONIC in µs for RELOADING=1; defaults to `process.hrtime` (CLOCK_MONOTONIC on Linux). */
  monotonicUsec?: () => number;
}

let sendState: ((text: string) => void) | undefined;

/** The default transport: load `sd-notify`'s addon (native) on first use and call its `sendState`. */
export function sdNotifyTransport(text: string): void {
  sendState ??= loadSendState();
  sendState(text);
}

// The addon by path: the package's index finds it through `bindings`, which parses a stack trace and
// probes a dozen build folders (~5 ms, on the way to READY=1). The package itself if that path moved.
function loadSendState(): (text: string) => void {
  type Addon = { sendState: (text: string) => void };
  const require = createRequire(import.meta.url);
  try {
    return (require('sd-notify/build/Release/notify.node') as Addon).sendState;
  } catch {
    return (require('sd-notify') as Addon).sendState;
  }
}

// CLOCK_MONOTONIC in whole microseconds.
const hrtimeUsec = (): number => Number(process.hrtime.bigint() / 1000n);

/** Create a {@link Notifier}. Invalid numbers throw `hooks.notify.invalid`; I/O failures are results. */
export function createNotifier(opts: NotifierOptions): Notifier {
  const transport = opts.transport ?? sdNotifyTransport;
  const monotonic = opts.monotonicUsec ?? hrtimeUsec;
  const withStatus = (f: NotifyFields, status: string | undefined): NotifyFields => (status === undefined ? f : { ...f, status });
  const send = (f: NotifyFields): NotifyResult => {
    const text = formatNotify(f);
    const socket = opts.env['NOTIFY_SOCKET'];
    if (socket === undefined || socket === '') return { sent: false, reason: 'no-socket' };
    if (text === '') return { sent: false, reason: 'error', error: 'nothing to send' };
    try {
      transport(text);
      return { sent: true };
    } catch (error) {
      return { sent: false, reason: 'error', error: error instanceof Error ? error.message : String(error) };
    }
  };
  return {
    send,
    ready: (status) => send(withStatus({ ready: true }, status)),
    status: (text) => send({ status: text }),
    stopping: (status) => send(withStatus({ stopping: true }, status)),
    extendTimeout: (usec, status) => send(withStatus({ extendTimeoutUsec: usec }, status)),
    watchdog: () => send({ watchdog: true }),
    watchdogTrigger: () => send({ watchdog: 'trigger' }),
    reloading: () => send({ reloading: true, monotonicUsec: monotonic() }),
    mainpid: (pid) => send({ mainpid: pid }),
    errno: (n) => send({ errno: n }),
  };
}
