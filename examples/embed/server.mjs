#!/usr/bin/env node
// A plain node:http service that embeds hooksctl (it is not `hooksctl serve`): READY=1 once it
// listens; on SIGTERM it refuses new jobs, sends STOPPING=1, drains its in-flight jobs through the
// drain coordinator with SHUTDOWN_PHASE= journal entries, and exits within TimeoutStopSec.
// POST /job?ms=3000 starts a timer job; GET /health reports. See README.md.
import { createServer } from 'node:http';
import { createJournalLogger, createNotifier, realTimers, systemClock } from 'hooksctl';
import { createDrain, planDrain, resolveTimeoutStopMs } from 'hooksctl/shutdown';

const port = Number(process.env.PORT ?? 8080);
const input = {
  drainMs: Number(process.env.DRAIN_MS ?? 6000),
  abortGraceMs: 1000,
  cleanupMs: 1000,
  marginMs: 1000,
  extend: false,
  maxDrainMs: 0,
};
const plan = planDrain(input, resolveTimeoutStopMs(input, process.env.TIMEOUT_STOP_SEC ?? null));
const notifier = createNotifier({ env: process.env });
const logger = createJournalLogger({ env: process.env, stderr: process.stderr, identifier: 'hooks-embed' });

// The in-flight jobs, with the surface the drain waits on: busy/hold/whenIdle/abortAll/activity.
const jobs = new Map();
const settledListeners = new Set();
let idleWaiters = [];
let held = false;
let activity = 0;
let nextId = 1;
function settle(job, status) {
  clearTimeout(job.timer);
  jobs.delete(job.id);
  activity += 1;
  logger.info(`job ${job.id} ${status}`, { JOB_ID: job.id, JOB_STATUS: status });
  for (const cb of settledListeners) cb({ id: job.id, agent: 'job', status, durationMs: Date.now() - job.startedAt });
  if (jobs.size === 0) {
    for (const resolve of idleWaiters) resolve();
    idleWaiters = [];
  }
}
const work = {
  busy: () => [...jobs.values()].map(({ id, startedAt }) => ({ id, agent: 'job', startedAt })),
  hold: () => {
    held = true;
  },
  whenIdle: () => (jobs.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  abortAll: async (reason) => {
    for (const job of [...jobs.values()]) settle(job, `aborted (${reason})`);
  },
  activity: () => activity,
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/job') {
    if (held) return void res.writeHead(503, { 'retry-after': '5' }).end('draining\n');
    const ms = Math.max(0, Math.min(Number(url.searchParams.get('ms') ?? 1000) || 0, 600_000));
    const job = { id: String(nextId++), startedAt: Date.now(), timer: undefined };
    job.timer = setTimeout(() => settle(job, 'done'), ms);
    jobs.set(job.id, job);
    activity += 1;
    logger.info(`job ${job.id} started (${ms} ms)`, { JOB_ID: job.id });
    return void res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: job.id, ms }));
  }
  if (req.method === 'GET' && url.pathname === '/health') {
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jobs: jobs.size, state: drain.state() }));
  }
  res.writeHead(404).end();
});

const drain = createDrain({
  plan,
  clock: systemClock,
  timers: realTimers,
  work,
  log: (phase, message, fields) => logger.phase(phase, message, fields),
  stopping: (status) => notifier.stopping(status),
  status: (text) => notifier.status(text),
  refuse: () => server.closeIdleConnections(),
  onSettled: (cb) => {
    settledListeners.add(cb);
    return () => settledListeners.delete(cb);
  },
  cleanup: async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  },
});

let exiting = false;
const onSignal = (signal) => {
  const done = drain.signal(signal); // a second signal skips to abort
  if (exiting) return;
  exiting = true;
  done.then(
    (report) => process.exit(report.failed ? 1 : 0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

server.listen(port, '127.0.0.1', () => {
  logger.info(`listening on 127.0.0.1:${port}, stop budget ${plan.timeoutStopMs} ms`, { PORT: port });
  notifier.ready(`listening on ${port}`);
});
