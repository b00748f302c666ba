// bench/api: GET /tasks and the dashboard's first load at size. 100,000 rows in task_history, the
// built `hooksctl serve` on that database; the figures are p95 wall times over HTTP (keep-alive),
// against a bare `SELECT … ORDER BY seq DESC LIMIT 100` on the same database as the anchor.
// Goal (issue 14): the first load and each page within 50 ms at p95 on this machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { percentile } from './lib.mjs';

const ROWS = 100_000;
const BIN = fileURLToPath(new URL('../bin/hooksctl', import.meta.url));
const { openSqliteStore } = await import('../dist/tasks/sqlite/store.js');
const { systemClock } = await import('../dist/runtime.js');
const dir = mkdtempSync(join(tmpdir(), 'hooks-bench-api-'));
const dbPath = join(dir, 'hooks.db');

// The schema from the store's own migrations, then 100,000 ended rows in one transaction.
await (await openSqliteStore(dbPath, systemClock)).close();
{
  const db = new Database(dbPath);
  const insert = db.prepare(
    `INSERT INTO task_history (id, root_id, agent, payload, status, reason, attempt, exit_code, source, output, seq, created_at, started_at, ended_at)
     VALUES (?, ?, ?, '{"n":1}', ?, ?, 1, ?, 'http', 'line one\nline two\n', ?, ?, ?, ?)`,
  );
  const statuses = ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled'];
  const t0 = Date.parse('2030-01-01T00:00:00Z');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) {
      const id = randomUUID();
      const status = statuses[i % statuses.length];
      const at = new Date(t0 + i * 1000).toISOString();
      insert.run(
        id,
        id,
        i % 2 ? 'dev-default' : 'dev-2',
        status,
        status === 'failed' ? 'exit-code' : null,
        status === 'failed' ? 1 : 0,
        i,
        at,
        at,
        at,
      );
    }
  })();
  db.close();
}

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const cfg = join(dir, 'agents.json');
writeFileSync(cfg, JSON.stringify({ service: { port, db: dbPath }, pool: [{ name: 'dev-2', type: 'dev' }] }));
const serve = spawn(process.execPath, [BIN, 'serve', '--config', cfg], {
  stdio: 'ignore',
  env: { ...process.env, NOTIFY_SOCKET: '', HOOKS_TOKEN: '' },
});
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

// One GET: its wall time in ms and its JSON body (when JSON).
const get = (path) =>
  new Promise((resolve, reject) => {
    const t = performance.now();
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 200)}`));
        resolve({ ms: performance.now() - t, json: /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(body) : null });
      });
    })
      .on('error', reject)
      .end();
  });

try {
  for (let i = 0; ; i++) {
    if (
      await get('/healthz').then(
        () => true,
        () => false,
      )
    )
      break;
    if (i > 200) throw new Error('serve did not answer');
    await sleep(100);
  }
  // The dashboard's first load: the page, then its three calls at once, as ui/app.js makes them.
  const firstLoad = async () => {
    const t = performance.now();
    await get('/');
    await Promise.all([get('/overview'), get('/tasks?status=queued&status=running&limit=1000'), get('/tasks?limit=100')]);
    return performance.now() - t;
  };
  // Walk pages of 100 from the newest, following next_before.
  const walk = async (pages, query = 'limit=100') => {
    const times = [];
    let before = null;
    for (let i = 0; i < pages; i++) {
      const r = await get(`/tasks?${query}${before ? `&before=${before}` : ''}`);
      times.push(r.ms);
      before = r.json.next_before;
      if (!before) break;
    }
    return times;
  };
  // Pages starting at random depths, the "load older" of a deep scroll.
  const deep = async (n) => {
    const times = [];
    for (let i = 0; i < n; i++) times.push((await get(`/tasks?limit=100&before=${1 + Math.floor(Math.random() * ROWS)}`)).ms);
    return times;
  };
  for (let i = 0; i < 5; i++) await firstLoad();
  await walk(20);

  const loads = [];
  for (let i = 0; i < 100; i++) loads.push(await firstLoad());
  const pages = await walk(300);
  const failedPages = await walk(100, 'status=failed&limit=100');
  const deepPages = await deep(200);

  const db = new Database(dbPath, { readonly: true });
  const bare = db.prepare('SELECT * FROM task_history ORDER BY seq DESC LIMIT 100');
  for (let i = 0; i < 50; i++) bare.all();
  const anchorTimes = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    bare.all();
    anchorTimes.push(performance.now() - t);
  }
  db.close();
  const anchor = percentile(anchorTimes, 95);

  console.log(`rows in task_history: ${ROWS}; anchor (bare SELECT … LIMIT 100, p95): ${anchor.toFixed(2)} ms`);
  let over = 0;
  for (const [name, times] of [
    ['dashboard first load (/, then /overview + 2x /tasks)', loads],
    ['GET /tasks page of 100, 300 pages newest first', pages],
    ['GET /tasks?status=failed page of 100, 100 pages', failedPages],
    ['GET /tasks page of 100 from a random cursor, 200 pages', deepPages],
  ]) {
    const p95 = percentile(times, 95);
    const ok = p95 <= 50;
    if (!ok) over += 1;
    console.log(
      `${name}: p95 ${p95.toFixed(1)} ms (median ${percentile(times, 50).toFixed(1)} ms, n=${times.length}) = ${(p95 / anchor).toFixed(1)}x anchor; goal p95 <= 50 ms ${ok ? 'ok' : 'OVER TARGET'}`,
    );
  }
  process.exitCode = over === 0 ? 0 : 1;
} finally {
  agent.destroy();
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('exit', r));
}
