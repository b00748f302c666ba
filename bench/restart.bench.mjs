// bench/restart: `systemctl --user restart` of an idle `hooksctl serve`, from the request to
// READY (systemctl returns when READY=1 arrives), against a bare Node HTTP service that sends
// READY when it listens (the floor), in the same run and the same systemd --user. Target <= 1.5x.
// Fair pairing: serve is socket-activated (install-unit's default writes <name>.socket), so the
// floor is too: its own .socket, and it listens on fd 3 when LISTEN_FDS says so.
// Ports below Linux's ephemeral range (32768-60999): a client connection in TIME-WAIT on one of
// them, from an earlier bench, would make the socket unit fail with EADDRINUSE.
// A second anchor, for context: the same floor under the sandboxing directives install-unit writes
// into serve's unit (ProtectSystem=, PrivateUsers=, SystemCallFilter=, ...), which systemd pays for
// at every start before our process runs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleave, median, report, sandboxingLines } from './lib.mjs';
import { startSandbox } from './sandbox.mjs';

// Restarts per unit, interleaved: single restarts here move by tens of ms, so the medians need many.
const RUNS = 31;
const BIN = fileURLToPath(new URL('../bin/hooksctl', import.meta.url));
const SD_NOTIFY = fileURLToPath(new URL('../node_modules/sd-notify/index.js', import.meta.url));
const sb = await startSandbox();
try {
  const floor = join(sb.workDir, 'floor.cjs');
  writeFileSync(
    floor,
    `const n = require(${JSON.stringify(SD_NOTIFY)}); const at = process.env.LISTEN_FDS && Number(process.env.LISTEN_PID) === process.pid ? { fd: 3 } : { port: 28791, host: '127.0.0.1' }; require('node:http').createServer((q, s) => s.end('ok')).listen(at, () => n.ready()); process.on('SIGTERM', () => process.exit(0));\n`,
  );
  sb.installUnit('bench-floor.socket', '[Socket]\nListenStream=127.0.0.1:28791\nBacklog=4096\n');
  sb.installUnit(
    'bench-floor.service',
    `[Unit]\nRequires=bench-floor.socket\nAfter=bench-floor.socket\n[Service]\nType=notify\nNotifyAccess=main\nExecStart=${process.execPath} ${floor}\n`,
  );
  const cfg = join(sb.workDir, 'agents.json');
  writeFileSync(cfg, JSON.stringify({ service: { name: 'bench-serve', port: 28792, db: join(sb.workDir, 'data/hooks.db') } }));
  const install = sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', cfg]);
  if (install.status !== 0) throw new Error(`install-unit failed: ${install.stderr}`);
  const hardening = sandboxingLines(readFileSync(join(sb.unitDir, 'bench-serve.service'), 'utf8'));
  sb.installUnit('bench-hard.socket', '[Socket]\nListenStream=127.0.0.1:28793\nBacklog=4096\n');
  sb.installUnit(
    'bench-hard.service',
    `[Unit]\nRequires=bench-hard.socket\nAfter=bench-hard.socket\n[Service]\nType=notify\nNotifyAccess=main\nExecStart=${process.execPath} ${floor}\n${hardening.join('\n')}\n`,
  );
  for (const u of ['bench-floor', 'bench-hard', 'bench-serve']) {
    // Many restarts in a row: lift systemd's start rate limit (5 per 10 s) with a drop-in.
    mkdirSync(join(sb.unitDir, `${u}.service.d`), { recursive: true });
    writeFileSync(join(sb.unitDir, `${u}.service.d`, 'bench.conf'), '[Unit]\nStartLimitIntervalSec=0\n');
  }
  sb.run(['systemctl', '--user', 'daemon-reload']);
  for (const u of ['bench-floor', 'bench-hard', 'bench-serve']) {
    const s = sb.run(['systemctl', '--user', 'start', `${u}.socket`]);
    if (s.status !== 0) throw new Error(`${u}.socket did not start: ${s.stderr}`);
  }
  for (const u of ['bench-floor', 'bench-hard', 'bench-serve']) {
    const r = sb.run(['systemctl', '--user', 'start', `${u}.service`]);
    if (r.status !== 0) throw new Error(`${u} did not start: ${r.stderr}`);
  }
  const restart = (unit) => () => {
    const t = performance.now();
    const r = sb.run(['systemctl', '--user', 'restart', `${unit}.service`]);
    if (r.status !== 0) throw new Error(`restart ${unit}: ${r.stderr}`);
    return performance.now() - t;
  };
  const adopted = (unit) => sb.run(['systemctl', '--user', 'show', '-p', 'TriggeredBy', '--value', `${unit}.service`]).stdout.trim();
  console.log(`socket activation: floor ${adopted('bench-floor') || 'none'}, serve ${adopted('bench-serve') || 'none'}`);
  const samples = interleave({ floor: restart('bench-floor'), hard: restart('bench-hard'), serve: restart('bench-serve') }, RUNS, 2);
  report(
    `restart (systemctl --user restart to READY, both socket-activated, median of ${RUNS})`,
    median(samples.serve),
    median(samples.floor),
    1.5,
  );
  console.log(
    `  context: the floor under serve's ${hardening.length} sandboxing directives: ${median(samples.hard).toFixed(1)} ms = ${(median(samples.hard) / median(samples.floor)).toFixed(2)}x the floor; serve = ${(median(samples.serve) / median(samples.hard)).toFixed(2)}x that`,
  );
} finally {
  await sb.stop();
}
