// bench/pg-intake: the latency of POST /task against the built `hooksctl serve` on a private
// PostgreSQL, p50 and p99 over HTTP (keep-alive), at 1 and at 16 requests in flight. The anchor,
// measured in the same run and interleaved with it in blocks: a bare node:http service in its own
// process that parses the JSON body and INSERTs the row with `pg` (a pool of 10, as the store's,
// a named statement) into a plain table, then answers 202 with the id. The task's instance
// belongs to another host that is not running, so serve only takes the intake (store, NOTIFY, the
// task_queued event) and spawns nothing here; its own instances' tasks would also be claimed and run.
// Issue 16 sets no target for intake: the figures are reported with their ratio to the anchor.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './lib.mjs';
import { freePort, privatePostgres } from './postgres.mjs';

const BIN = fileURLToPath(new URL('../bin/hooksctl', import.meta.url));
const PG = fileURLToPath(new URL('../node_modules/pg/lib/index.js', import.meta.url));
const BLOCKS = 10;
const PER_BLOCK = 200;
const LEVELS = [1, 16];
const BODY = JSON.stringify({ agent: 'on-b', payload: { repo: 'team/app', ref: 'refs/heads/main', n: 1 } });

const server = await privatePostgres();
const dir = mkdtempSync(join(tmpdir(), 'hooks-bench-pg-intake-'));
const children = [];

// The bare service: one INSERT per request, the row's id in a 202.
const BARE = `const pg = require(${JSON.stringify(PG)});
const pool = new pg.Pool({ connectionString: process.argv[2], max: 10 });
const insert = { name: 'bare_insert', text: "INSERT INTO bare (id, agent, payload, status, created_at) VALUES (gen_random_uuid()::text, $1, $2, 'queued', $3) RETURNING id, status" };
pool.query('CREATE TABLE bare (id TEXT PRIMARY KEY, agent TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE)').then(() => {
  require('node:http').createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST') return res.end('ok');
      const t = JSON.parse(body);
      pool.query({ ...insert, values: [t.agent, JSON.stringify(t.payload ?? null), new Date().toISOString()] }).then(({ rows }) => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: rows[0].id, status: rows[0].status, url: '/tasks/' + rows[0].id }));
      }, (e) => { res.writeHead(500); res.end(String(e.message)); });
    });
  }).listen(Number(process.argv[3]), '127.0.0.1');
});
`;

// Start a child and wait until it answers GET `probe` on `port`.
async function startChild(argv, port, probe) {
  const child = spawn(process.execPath, argv, {
    stdio: 'ignore',
    env: { ...process.env, NOTIFY_SOCKET: '', HOOKS_TOKEN: '' },
  });
  children.push(child);
  for (let i = 0; ; i++) {
    if (
      await post(port, probe, 'GET').then(
        () => true,
        () => false,
      )
    )
      return;
    if (child.exitCode !== null || i > 300) throw new Error(`${argv.join(' ')} did not answer`);
    await sleep(100);
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
// One request; resolves with its wall time in ms, rejects unless 2xx (GET probes) or 202 (POSTs).
const post = (port, path, method = 'POST') =>
  new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request({ host: '127.0.0.1', port, path, method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => {
        const ok = method === 'POST' ? res.statusCode === 202 : res.statusCode < 500;
        if (ok) resolve(performance.now() - t);
        else reject(new Error(`${method} ${path}: ${res.statusCode}`));
      });
    });
    req.on('error', reject);
    req.end(method === 'POST' ? BODY : undefined);
  });

// `n` POSTs with `inFlight` at a time; their latencies.
async function block(port, path, n, inFlight) {
  const times = [];
  let left = n;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) times.push(await post(port, path));
    }),
  );
  return times;
}

try {
  const servePort = await freePort();
  const barePort = await freePort();
  const cfg = join(dir, 'agents.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      service: { name: 'bench-pg-intake', port: servePort, db: (await server.createDatabase('intake')).url, host_id: 'host-a' },
      types: { work: { mode: 'process', command: [process.execPath, '-e', ''] } },
      pool: [{ name: 'on-b', type: 'work', host: 'host-b' }],
    }),
  );
  writeFileSync(join(dir, 'bare.cjs'), BARE);
  await startChild([BIN, 'serve', '--config', cfg], servePort, '/healthz');
  await startChild([join(dir, 'bare.cjs'), (await server.createDatabase('bare')).url, String(barePort)], barePort, '/');
  const targets = { 'hooksctl serve': [servePort, '/task'], 'bare node:http + pg INSERT': [barePort, '/'] };
  console.log(`pg-intake: POST /task, ${BLOCKS} interleaved blocks of ${PER_BLOCK} per level, keep-alive, PostgreSQL 15 on 127.0.0.1`);
  for (const inFlight of LEVELS) {
    const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
    for (const [port, path] of Object.values(targets)) await block(port, path, PER_BLOCK, inFlight); // warm-up
    for (let b = 0; b < BLOCKS; b++) {
      const names = Object.keys(targets);
      if (b % 2 === 1) names.reverse();
      for (const name of names) samples[name].push(...(await block(...targets[name], PER_BLOCK, inFlight)));
    }
    const serve = samples['hooksctl serve'];
    const bare = samples['bare node:http + pg INSERT'];
    for (const p of [50, 99]) {
      const [s, a] = [percentile(serve, p), percentile(bare, p)];
      console.log(
        `pg-intake p${p} at ${inFlight} in flight: ${s.toFixed(2)} ms vs anchor ${a.toFixed(2)} ms = ${(s / a).toFixed(2)}x (no target in issue 16; n=${serve.length})`,
      );
    }
  }
} finally {
  agent.destroy();
  for (const c of children) {
    c.kill('SIGTERM');
    if (c.exitCode === null) await new Promise((r) => c.once('exit', r));
  }
  server.destroy();
}
