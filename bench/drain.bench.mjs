// bench/drain: time from the last in-flight task's end to the drain's end (server closed, store
// checkpointed, bye logged) for N = 1, 10, 100, 1000 in-flight tasks. Real store (SQLite file),
// real dispatcher, real HTTP app and the real drain coordinator; tasks are timers so that
// only the drain's own cost is measured. Target <= 20 ms and flat in N.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../dist/tasks/sqlite/store.js';
import { createDispatcher } from '../dist/tasks/dispatcher.js';
import { createDrain } from '../dist/shutdown/drain.js';
import { planDrain } from '../dist/shutdown/budget.js';
import { realTimers } from '../dist/timers.js';
import { buildServer } from '../dist/server/app.js';
import { createSseHub } from '../dist/server/sse-hub.js';
import { systemClock } from '../dist/runtime.js';
import { median, percentile } from './lib.mjs';

async function once(n) {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-bench-drain-'));
  const store = await openSqliteStore(join(dir, 'hooks.db'), systemClock);
  const agents = Array.from({ length: n }, (_, i) => `a${i}`);
  let lastEnd = 0;
  const runner = () =>
    new Promise((resolve) =>
      setTimeout(
        () => {
          lastEnd = performance.now();
          resolve({ status: 'succeeded', reason: null, exitCode: 0 });
        },
        30 + Math.random() * 20,
      ),
    );
  const listeners = new Set();
  const dispatcher = createDispatcher({
    store,
    agents,
    runner,
    clock: systemClock,
    onEvent: (e) => {
      if (e.type === 'task_ended') for (const l of listeners) l({ id: e.id, agent: e.agent, status: e.status, durationMs: e.duration_ms });
    },
  });
  let intake = 'open';
  const hub = createSseHub();
  const server = await buildServer({
    store,
    dispatcher,
    hub,
    agents: new Set(agents),
    token: undefined,
    webhookSecret: undefined,
    intake: () => intake,
    closing: () => false,
    health: async () => ({ ok: true, state: 'x', running: 0, queued: 0, checks: {} }),
    log: () => {},
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  for (const a of agents) dispatcher.submit((await store.enqueue({ agent: a, payload: {} })).row);
  await new Promise((r) => setImmediate(r));
  const drain = createDrain({
    clock: systemClock,
    timers: realTimers,
    work: dispatcher,
    plan: planDrain({ drainMs: 10_000, abortGraceMs: 1000, cleanupMs: 5000, marginMs: 1000, extend: false, maxDrainMs: 10_000 }, 20_000),
    log: () => {},
    stopping: () => {},
    status: () => {},
    refuse: () => {
      intake = 'defer';
      hub.closeAll();
      server.server.closeIdleConnections();
    },
    onSettled: (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    whileWaiting: () => {
      void store.compact('idle');
    },
    cleanup: async () => {
      await server.close();
      await store.compact('full');
      await store.close();
    },
  });
  await drain.signal('SIGTERM');
  const ms = performance.now() - lastEnd;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

const results = {};
for (const n of [1, 10, 100, 1000]) {
  const runs = n >= 1000 ? 5 : 15;
  const samples = [];
  await once(n);
  for (let i = 0; i < runs; i++) samples.push(await once(n));
  results[n] = { median: median(samples), p90: percentile(samples, 90) };
  console.log(
    `drain N=${String(n).padStart(4)}: last task end -> drained ${median(samples).toFixed(1)} ms median, ${percentile(samples, 90).toFixed(1)} ms p90 (target <= 20 ms) ${median(samples) <= 20 ? 'ok' : 'OVER TARGET'}`,
  );
}
const flat = results[1000].median / Math.max(results[1].median, 0.001);
console.log(`drain flatness: N=1000 vs N=1 = ${flat.toFixed(2)}x (anchor: N=1 in the same run)`);
