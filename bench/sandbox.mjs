// A real journald + systemd --user in a private mount namespace for benchmarks (the same
// holder script the test harness uses). Commands run inside it through nsenter.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const HOLDER = fileURLToPath(new URL('../test/harness/sandbox-holder.sh', import.meta.url));
const ROOT = '/var/lib/hooksctl-test';

/** Start the sandbox; returns { run(argv), unitDir, workDir, env, stop() }. */
export async function startSandbox() {
  mkdirSync(ROOT, { recursive: true });
  const state = mkdtempSync(join(ROOT, 'bench-'));
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', 'bash', HOLDER, state], { stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while (!existsSync(join(state, 'ready'))) {
    if (holder.exitCode !== null || Date.now() > deadline) throw new Error('sandbox did not start');
    await sleep(50);
  }
  const vars = Object.fromEntries(
    readFileSync(join(state, 'ready'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2)),
  );
  const env = { ...process.env, XDG_RUNTIME_DIR: vars.XDG_RUNTIME_DIR, XDG_CONFIG_HOME: vars.XDG_CONFIG_HOME, SYSTEMD_PAGER: '' };
  const workDir = join(state, 'work');
  mkdirSync(workDir, { recursive: true });
  const run = (argv) => spawnSync('nsenter', ['--mount', `--target=${holder.pid}`, '--', ...argv], { env, encoding: 'utf8' });
  return {
    holderPid: holder.pid,
    run,
    env,
    workDir,
    unitDir: join(vars.XDG_CONFIG_HOME, 'systemd/user'),
    installUnit(name, text) {
      writeFileSync(join(vars.XDG_CONFIG_HOME, 'systemd/user', name), text);
      run(['systemctl', '--user', 'daemon-reload']);
    },
    async stop() {
      const exited = new Promise((r) => holder.once('exit', r));
      holder.kill('SIGTERM');
      await exited;
      rmSync(state, { recursive: true, force: true });
    },
  };
}
