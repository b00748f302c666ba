// bench/journal: entries/s through hooksctl's journal logger against raw `systemd-journald`
// binding calls with the same fields, interleaved in the same run (target: overhead <= 10 %),
// and the p99 time of one call (target <= 1 ms: no call blocks the event loop longer).
// Needs journald. Without /run/systemd/journal/socket it re-runs itself (as root) under
// `unshare --mount` with a private journald on tmpfs, as the test harness does; otherwise it
// says clearly that it measured nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, percentile } from './lib.mjs';

const SOCKET = '/run/systemd/journal/socket';
const self = fileURLToPath(import.meta.url);

// Re-run this script in a private mount namespace with its own journald (rate limit off).
function runInSandbox() {
  const state = mkdtempSync(join(tmpdir(), 'hooks-bench-journal-'));
  writeFileSync(join(state, 'journald.conf'), '[Journal]\nStorage=volatile\nRateLimitBurst=0\n');
  const script = `set -e
for d in /run/systemd/journal /run/log /var/log/journal; do mkdir -p "$d"; mount -t tmpfs -o mode=755 tmpfs "$d"; done
mount --bind "$1/journald.conf" /etc/systemd/journald.conf
/lib/systemd/systemd-journald & jpid=$!
for _ in $(seq 200); do [ -S ${SOCKET} ] && break; sleep 0.05; done
HOOKS_BENCH_INNER=1 "$2" "$3"; rc=$?
kill "$jpid"; wait "$jpid" 2>/dev/null || true
exit $rc`;
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', script, 'bench', state, process.execPath, self], {
    stdio: 'inherit',
  });
  rmSync(state, { recursive: true, force: true });
  return r.status ?? 1;
}

if (!existsSync(SOCKET)) {
  const canSandbox =
    process.getuid?.() === 0 && spawnSync('unshare', ['--version']).status === 0 && existsSync('/lib/systemd/systemd-journald');
  if (process.env.HOOKS_BENCH_INNER === '1' || !canSandbox) {
    console.log(
      'journal: MEASURED NOTHING: no journald socket and no way to start a private journald (needs root, unshare, systemd-journald)',
    );
    process.exit(1);
  }
  process.exit(runInSandbox());
}

const { createJournalLogger, encodeJournalFields } = await import('../dist/systemd/journal/journal.js');
const { MESSAGE_IDS } = await import('../dist/systemd/journal/catalog.js');
const binding = createRequire(import.meta.url)('systemd-journald/build/Release/journal_send.node');

const IDENT = `hooksctl-bench-${process.pid}`;
const env = { INVOCATION_ID: '0123456789abcdef0123456789abcdef' };
const logger = createJournalLogger({ env, stderr: process.stderr, identifier: IDENT, journalAvailable: () => true }).child({
  AGENT: 'agent-1',
});
// The raw anchor sends exactly the fields the logger sends, prepared once.
const rawFields = encodeJournalFields({
  MESSAGE: 'draining 3 tasks',
  MESSAGE_ID: MESSAGE_IDS.drain,
  SYSLOG_IDENTIFIER: IDENT,
  SHUTDOWN_PHASE: 'drain',
  INVOCATION_ID: env.INVOCATION_ID,
  AGENT: 'agent-1',
  TASK_ID: 'task-42',
  DRAIN_MS: '3000',
});

const variants = {
  raw: () => binding.send(5, ...rawFields),
  logger: () => logger.phase('drain', 'draining 3 tasks', { TASK_ID: 'task-42', DRAIN_MS: 3000 }),
};

const BATCH = 200;
const ROUNDS = 80;
const WARMUP = 5;
const rates = { raw: [], logger: [] };
const calls = { raw: [], logger: [] };
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  // Alternate which variant goes first, so neither always meets a fresher journald.
  const order = round % 2 === 0 ? ['raw', 'logger'] : ['logger', 'raw'];
  for (const name of order) {
    const fn = variants[name];
    const each = new Array(BATCH);
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) {
      const t = process.hrtime.bigint();
      fn();
      each[i] = Number(process.hrtime.bigint() - t) / 1e6;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (round >= WARMUP) {
      rates[name].push((BATCH * 1000) / ms);
      calls[name].push(...each);
    }
  }
}

// Count what journald stored, to show nothing was dropped.
spawnSync('journalctl', ['--sync']);
const stored = spawnSync('journalctl', ['-o', 'cat', `SYSLOG_IDENTIFIER=${IDENT}`], { encoding: 'utf8', maxBuffer: 1 << 28 })
  .stdout.split('\n')
  .filter(Boolean).length;

// The logger's own CPU per entry, with a no-op transport: what it adds on top of a raw send.
const cpuLogger = createJournalLogger({
  env,
  stderr: process.stderr,
  identifier: IDENT,
  journalAvailable: () => true,
  send: () => 0,
}).child({ AGENT: 'agent-1' });
const CPU_N = 200_000;
const cpuStart = process.hrtime.bigint();
for (let i = 0; i < CPU_N; i++) cpuLogger.phase('drain', 'draining 3 tasks', { TASK_ID: 'task-42', DRAIN_MS: 3000 });
const cpuUs = Number(process.hrtime.bigint() - cpuStart) / 1e3 / CPU_N;

// Each round's logger batch against its neighbouring raw batch cancels drift in journald's pace.
const ratio = median(rates.logger.map((l, i) => l / rates.raw[i]));
const raw = median(rates.raw);
const log = median(rates.logger);
const overhead = 1 / ratio - 1;
const p99 = percentile(calls.logger, 99);
const p99raw = percentile(calls.raw, 99);
console.log(
  `journal throughput (${ROUNDS} interleaved batch pairs of ${BATCH}): logger ${log.toFixed(0)} entries/s vs anchor raw binding ${raw.toFixed(0)} entries/s; median pair ratio ${ratio.toFixed(3)}x, overhead ${(overhead * 100).toFixed(1)} % (target <= 10 %) ${overhead <= 0.1 ? 'ok' : 'OVER TARGET'}`,
);
console.log(
  `journal per-call p99: logger ${(p99 * 1000).toFixed(1)} µs vs anchor raw ${(p99raw * 1000).toFixed(1)} µs = ${(p99 / p99raw).toFixed(2)}x (target p99 <= 1 ms) ${p99 <= 1 ? 'ok' : 'OVER TARGET'}; max logger ${Math.max(...calls.logger).toFixed(2)} ms`,
);
console.log(
  `journal logger CPU per entry (no-op transport): ${cpuUs.toFixed(2)} µs = ${(((cpuUs * raw) / 1e6) * 100).toFixed(2)} % of one raw send at the anchor rate`,
);
console.log(`journal entries stored by journald: ${stored} of ${2 * BATCH * (WARMUP + ROUNDS)} sent`);
