// bench/pg-claim: claim throughput on a shared PostgreSQL, 2 hosts and 16 agent instances (8 per
// host), 5,000 queued tasks. Two figures of hooksctl, each against a bare loop on a plain table
// with the same rows, the same concurrency (one claimer per instance) and the same pools (one
// pg.Pool of 10 per host), measured in the same run, interleaved, each run on a fresh database:
//   - claim: the store's own claim path (dist/, two stores with their host ids): each host reads
//     its queue as the service does (offerQueued), then each instance claims its tasks in turn
//     with store.claim(id); anchor: `UPDATE … WHERE id = (SELECT id … FOR UPDATE SKIP LOCKED
//     LIMIT 1) RETURNING *` until its instance's queue is empty.
//   - claim + finish: the dispatcher of each host as `serve` wires it (lease renewal armed, every
//     event through the SSE hub into the store's event log, a runner that records its pid and
//     ends at once); anchor: the bare claim loop followed by one UPDATE to `succeeded` per task.
// The anchors' statements are named (prepared), as the store's are: the bare loop at its best.
// The figures are tasks per second (medians of the rounds); the ratio is the median of the rounds'
// paired ratios (hooksctl's run / its anchor's run, back to back). Goal (issue 16): >= 0.8x the bare loop.
// Beside each, the server's CPU per task (the postmaster and its backends, from /proc), which the
// other sessions on the machine disturb far less than the rates.
import pg from 'pg';
import { median, reportRate } from './lib.mjs';
import { privatePostgres } from './postgres.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const POOL_MAX = 10; // the store's pool size (src/tasks/postgres/pool.ts)
const AGENTS = Array.from({ length: 16 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
const HOSTS = ['host-a', 'host-b'];
const ownAgents = (h) => AGENTS.filter((_, i) => i % HOSTS.length === h);

const { openPostgresStore } = await import('../dist/tasks/postgres/store.js');
const { offerQueued } = await import('../dist/tasks/host-loop.js');
const { createDispatcher } = await import('../dist/tasks/dispatcher.js');
const { createSseHub } = await import('../dist/server/sse-hub.js');
const { systemClock } = await import('../dist/runtime.js');
const { realTimers } = await import('../dist/timers.js');
const { LEASE_DEFAULTS } = await import('../dist/tasks/store.js');

// The rows of both tables: TASKS queued tasks spread round-robin over the 16 instances, in seq order.
const rowsSql = (table, columns) =>
  `INSERT INTO ${table} (${columns}) SELECT u, u, 'agent-' || lpad(((i - 1) % ${AGENTS.length})::text, 2, '0'), '{"n":' || i || '}',
     'queued', 1, 'http', now()::text FROM (SELECT gen_random_uuid()::text AS u, i FROM generate_series(1, ${TASKS}) i) s ORDER BY i`;

// The anchor's plain table: the columns a claim reads and writes, the same kind of index.
const BARE_SCHEMA = `CREATE TABLE bare (id TEXT PRIMARY KEY, root_id TEXT NOT NULL, agent TEXT NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL, attempt INTEGER NOT NULL, source TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, ended_at TEXT,
  host TEXT, seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE);
  CREATE INDEX bare_status ON bare (status, agent, seq)`;
const BARE_CLAIM = {
  name: 'bare_claim',
  text: `UPDATE bare SET status = 'running', started_at = $1, host = $2
    WHERE id = (SELECT id FROM bare WHERE status = 'queued' AND agent = $3 ORDER BY seq FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *`,
};
const BARE_FINISH = { name: 'bare_finish', text: `UPDATE bare SET status = 'succeeded', ended_at = $1 WHERE id = $2` };

const server = await privatePostgres();

// One run on a fresh database: `prepare(url)` loads it and returns `{ go, close }`; `go()` alone is measured: its rate and the server's CPU per task.
async function timed(prepare) {
  const { name, url } = await server.createDatabase('claim');
  const run = await prepare(url);
  // Each run starts alike: fresh statistics, no dead rows, and right after a checkpoint.
  await server.sql('VACUUM ANALYZE', name);
  await server.sql('CHECKPOINT');
  const cpu = server.cpuMs();
  const t = performance.now();
  const claimed = await run.go();
  const ms = performance.now() - t;
  const cpuUs = ((server.cpuMs() - cpu) / TASKS) * 1000;
  await run.close();
  await server.sql(`DROP DATABASE ${name}`);
  if (claimed !== TASKS) throw new Error(`claimed ${claimed} of ${TASKS} tasks`);
  return { rate: (TASKS / ms) * 1000, cpuUs };
}

// The bare loop: per host one pool, per instance one claimer; `finish` adds the end UPDATE.
const bare = (finish) => async (url) => {
  const pools = HOSTS.map(() => new pg.Pool({ connectionString: url, max: POOL_MAX }));
  await pools[0].query(BARE_SCHEMA);
  await pools[0].query(rowsSql('bare', 'id, root_id, agent, payload, status, attempt, source, created_at'));
  return {
    go: async () => {
      const counts = await Promise.all(
        HOSTS.flatMap((host, h) =>
          ownAgents(h).map(async (agent) => {
            let n = 0;
            for (;;) {
              const { rows } = await pools[h].query({ ...BARE_CLAIM, values: [new Date().toISOString(), host, agent] });
              if (rows.length === 0) return n;
              n += 1;
              if (finish) await pools[h].query({ ...BARE_FINISH, values: [new Date().toISOString(), rows[0].id] });
            }
          }),
        ),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    close: () => Promise.all(pools.map((p) => p.end())),
  };
};

// Two stores on one database, one per host, with the schema from the store's own migrations.
async function openStores(url) {
  const stores = [];
  for (const hostId of HOSTS) stores.push(await openPostgresStore(url, systemClock, { hostId }));
  const loader = new pg.Pool({ connectionString: url, max: 1 });
  await loader.query(rowsSql('task_history', 'id, root_id, agent, payload, status, attempt, source, created_at'));
  await loader.end();
  return stores;
}

// hooksctl's claim: each host reads its queue once, each instance claims its ids in turn.
const storeClaim = async (url) => {
  const stores = await openStores(url);
  return {
    go: async () => {
      const counts = await Promise.all(
        stores.map(async (store, h) => {
          const queues = new Map(ownAgents(h).map((a) => [a, []]));
          await offerQueued(store, new Set(queues.keys()), (row) => queues.get(row.agent).push(row.id));
          const per = await Promise.all(
            [...queues.values()].map(async (ids) => {
              let n = 0;
              for (const id of ids) if (await store.claim(id)) n += 1;
              return n;
            }),
          );
          return per.reduce((a, b) => a + b, 0);
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    close: () => Promise.all(stores.map((s) => s.close())),
  };
};

// hooksctl's dispatcher on each host, wired as `serve` wires it; done when every task ended and every event is logged.
const dispatch = async (url) => {
  const stores = await openStores(url);
  const runner = async (_task, ctx) => {
    ctx.onSpawn(process.pid, null);
    return { status: 'succeeded', reason: null, exitCode: 0, output: '' };
  };
  return {
    go: async () => {
      const counts = await Promise.all(
        stores.map(async (store, h) => {
          const own = ownAgents(h);
          const remote = AGENTS.filter((a) => !own.includes(a));
          const hub = createSseHub({ log: store, timers: realTimers, onError: (m) => console.error(m) });
          let ended = 0;
          let expected = Infinity;
          let allEnded;
          const done = new Promise((resolve) => (allEnded = resolve));
          const dispatcher = createDispatcher({
            store,
            clock: systemClock,
            agents: own,
            remote,
            lease: { timers: realTimers, renewMs: LEASE_DEFAULTS.renewMs },
            runner,
            onError: (m) => console.error(m),
            onEvent: (event) => {
              hub.broadcast(event.type, event);
              if (event.type === 'task_ended' && ++ended === expected) allEnded();
            },
          });
          let offered = 0;
          await offerQueued(store, new Set(own), (row) => {
            offered += 1;
            dispatcher.submit(row);
          });
          expected = offered;
          if (ended === expected) allEnded();
          await done;
          await hub.flushed();
          return ended;
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    close: () => Promise.all(stores.map((s) => s.close())),
  };
};

// Each hooksctl figure with its anchor: the two run back to back, which goes first alternating by round.
const pairs = {
  claim: { anchor: ['bare claim', bare(false)], hooksctl: ['hooksctl claim', storeClaim] },
  'claim + finish': { anchor: ['bare claim + finish', bare(true)], hooksctl: ['hooksctl claim + finish', dispatch] },
};
const samples = {};
const ratios = Object.fromEntries(Object.keys(pairs).map((k) => [k, []]));
try {
  // One warm-up run of each, then ROUNDS rounds. The ratio of a pair's two runs cancels most of
  // the drift in the machine's load; the figure is the median of those ratios.
  for (const pair of Object.values(pairs)) for (const [, prepare] of [pair.anchor, pair.hooksctl]) await timed(prepare);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [key, pair] of Object.entries(pairs)) {
      const order = r % 2 === 0 ? [pair.anchor, pair.hooksctl] : [pair.hooksctl, pair.anchor];
      const got = {};
      for (const [name, prepare] of order) (samples[name] ??= []).push((got[name] = await timed(prepare)));
      ratios[key].push(got[pair.hooksctl[0]].rate / got[pair.anchor[0]].rate);
    }
  }
  const rate = (name) => median(samples[name].map((x) => x.rate));
  const cpu = (name) => median(samples[name].map((x) => x.cpuUs));
  console.log(
    `pg-claim: ${TASKS} queued tasks, ${HOSTS.length} hosts x ${AGENTS.length / HOSTS.length} instances, pool ${POOL_MAX} per host, ${ROUNDS} rounds`,
  );
  for (const [name, xs] of Object.entries(samples))
    console.log(
      `  ${name}: median ${rate(name).toFixed(0)}/s (runs: ${xs.map((x) => x.rate.toFixed(0)).join(' ')}), server CPU ${cpu(name).toFixed(0)} us/task`,
    );
  let under = 0;
  for (const [key, pair] of Object.entries(pairs)) {
    const [anchor, hooksctl] = [pair.anchor[0], pair.hooksctl[0]];
    console.log(
      `  ${key}: paired ratios ${ratios[key].map((x) => x.toFixed(2)).join(' ')}; server CPU per task ${(cpu(hooksctl) / cpu(anchor)).toFixed(2)}x the anchor's`,
    );
    const ratio = reportRate(`pg-claim ${key} throughput`, rate(hooksctl), rate(anchor), 0.8, median(ratios[key]));
    if (ratio < 0.8) under += 1;
  }
  process.exitCode = under === 0 ? 0 : 1;
} finally {
  server.destroy();
}
