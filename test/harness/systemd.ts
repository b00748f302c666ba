/**
 * withSystemd(fn): a real journald and a real `systemd --user` in a private mount namespace
 * (docs/architecture.md, "Testing against the real thing"). Commands run inside it through
 * `nsenter --mount --target <holder>`. Everything is stopped by PID afterwards.
 * It never skips: if the sandbox cannot start, it throws and the test fails.
 */
import { execa, type Options, type Result } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const HOLDER = fileURLToPath(new URL('./sandbox-holder.sh', import.meta.url));
// Not under /tmp or /run: hardened units (PrivateTmp=yes, ProtectProc=…) would see neither the
// notify socket (in XDG_RUNTIME_DIR) nor their database directory.
const WORK_ROOT = '/var/lib/hooksctl-test';

/** A running sandbox. */
export interface SystemdSandbox {
  /** PID of the namespace holder (nsenter target). */
  holderPid: number;
  /** PID of `systemd --user`. */
  systemdPid: number;
  /** XDG_RUNTIME_DIR inside the sandbox. */
  runtimeDir: string;
  /** XDG_CONFIG_HOME inside the sandbox. */
  configHome: string;
  /** `$XDG_CONFIG_HOME/systemd/user`. */
  unitDir: string;
  /** A scratch directory that lives as long as the sandbox (under .test-results/, not /tmp). */
  workDir: string;
  /** The env that commands inside the sandbox get. */
  env: Record<string, string>;
  /** Run a command inside the namespace (never throws on non-zero exit). */
  run(argv: string[], options?: Options): Promise<Result>;
  /** `systemctl --user ...` inside the namespace. */
  systemctl(...args: string[]): Promise<Result>;
  /** `journalctl ...` inside the namespace. */
  journalctl(...args: string[]): Promise<Result>;
  /** Journal entries matching `matches` (FIELD=value), parsed from `journalctl -o json`. */
  journal(matches: string[]): Promise<Record<string, unknown>[]>;
  /** Write a unit file and daemon-reload. */
  installUnit(name: string, text: string): Promise<void>;
  /** `systemctl --user show -p ...` parsed into a record. */
  show(unit: string, props: string[]): Promise<Record<string, string>>;
  /** Stop everything. Idempotent. */
  stop(): Promise<void>;
}

/** Start a sandbox. Prefer {@link withSystemd}; use this with beforeAll/afterAll to share one. */
export async function startSystemd(): Promise<SystemdSandbox> {
  mkdirSync(WORK_ROOT, { recursive: true });
  const state = mkdtempSync(join(WORK_ROOT, 'sd-'));
  const holder: ChildProcess = spawn('unshare', ['--mount', '--propagation', 'private', 'bash', HOLDER, state], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  holder.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const holderPid = holder.pid;
  if (holderPid === undefined) throw new Error('withSystemd: could not spawn unshare');
  const readyFile = join(state, 'ready');
  const deadline = Date.now() + 30_000;
  while (!existsSync(readyFile)) {
    if (holder.exitCode !== null || Date.now() > deadline) {
      holder.kill('SIGKILL');
      throw new Error(`withSystemd: sandbox did not start (exit ${holder.exitCode}): ${stderr}`);
    }
    await sleep(50);
  }
  const vars = Object.fromEntries(
    readFileSync(readyFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
  const runtimeDir = vars['XDG_RUNTIME_DIR'] ?? '';
  const configHome = vars['XDG_CONFIG_HOME'] ?? '';
  const systemdPid = Number(vars['SYSTEMD_PID']);
  const env: Record<string, string> = {
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: configHome,
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${runtimeDir}/bus`,
    SYSTEMD_PAGER: '',
    SYSTEMD_COLORS: '0',
  };
  const workDir = join(state, 'work');
  mkdirSync(workDir, { recursive: true });
  const run = (argv: string[], options: Options = {}): Promise<Result> =>
    execa('nsenter', ['--mount', `--target=${holderPid}`, '--', ...argv], {
      reject: false,
      ...options,
      env: { ...env, ...(options.env ?? {}) },
    }) as Promise<Result>;
  let stopped = false;
  const sandbox: SystemdSandbox = {
    holderPid,
    systemdPid,
    runtimeDir,
    configHome,
    workDir,
    env,
    unitDir: join(configHome, 'systemd/user'),
    run,
    systemctl: (...args) => run(['systemctl', '--user', '--no-pager', ...args]),
    journalctl: (...args) => run(['journalctl', '--no-pager', ...args]),
    async journal(matches) {
      await run(['journalctl', '--sync']);
      const r = await run(['journalctl', '--no-pager', '-o', 'json', ...matches]);
      return String(r.stdout)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    async installUnit(name, text) {
      writeFileSync(join(configHome, 'systemd/user', name), text);
      const r = await run(['systemctl', '--user', 'daemon-reload']);
      if (r.exitCode !== 0) throw new Error(`daemon-reload failed: ${String(r.stderr)}`);
    },
    async show(unit, props) {
      const r = await run(['systemctl', '--user', 'show', unit, ...props.map((p) => `--property=${p}`)]);
      return Object.fromEntries(
        String(r.stdout)
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const i = l.indexOf('=');
            return [l.slice(0, i), l.slice(i + 1)];
          }),
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((resolve) => {
        if (holder.exitCode !== null) resolve();
        else holder.once('exit', () => resolve());
      });
      holder.kill('SIGTERM');
      const timer = setTimeout(() => holder.kill('SIGKILL'), 45_000);
      await exited;
      clearTimeout(timer);
      rmSync(state, { recursive: true, force: true });
    },
  };
  return sandbox;
}

/** Run `fn` with a fresh sandbox, and always tear it down. */
export async function withSystemd<T>(fn: (sandbox: SystemdSandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSystemd();
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.stop();
  }
}
