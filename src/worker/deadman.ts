/**
 * The deadman: a `worker_threads` thread that SIGKILLs its own process when a countdown is not
 * disarmed in time. It runs on its own event loop, so it fires even while the main thread is
 * stuck in a synchronous loop. Before the kill it writes a note straight to a file descriptor
 * (the main thread, which relays a worker's `process.stderr`, may be stuck).
 */
import { Worker } from 'node:worker_threads';

/** A countdown to SIGKILL. */
export interface Deadman {
  /** Start (or restart) the countdown: after `ms`, write `note` and SIGKILL the process. */
  arm(ms: number, note: string): void;
  /** Stop the countdown. */
  disarm(): void;
  /** Stop the thread. */
  close(): void;
}

/** The thread's code (CommonJS, run with `eval`): counts down on message, then kills `workerData.pid`. */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let timer;
parentPort.on('message', (m) => {
  clearTimeout(timer);
  if (m.type !== 'arm') return;
  timer = setTimeout(() => {
    try { writeSync(workerData.fd, m.note); } catch {}
    process.kill(workerData.pid, 'SIGKILL');
  }, m.ms);
});
`;

/** Options for {@link startDeadmanThread}. */
export interface DeadmanThreadOptions {
  /** The PID to SIGKILL (the guarded process's own PID). */
  pid: number;
  /** The file descriptor the note goes to (default 2, stderr). */
  fd?: number;
}

/** Start the deadman thread; it does not keep the process alive. */
export function startDeadmanThread(options: DeadmanThreadOptions): Deadman {
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { pid: options.pid, fd: options.fd ?? 2 } });
  worker.unref();
  worker.on('error', () => undefined);
  return {
    arm: (ms, note) => worker.postMessage({ type: 'arm', ms, note }),
    disarm: () => worker.postMessage({ type: 'disarm' }),
    close: () => {
      void worker.terminate();
    },
  };
}
