/**
 * withDocker(fn): a real dockerd on a private socket, with an offline busybox image built
 * from busybox-static and `docker import` (docs/architecture.md, "Testing against the real thing"). Torn down by PID afterwards.
 * It never skips: if the engine cannot start, it throws and the test fails.
 */
import { execa, type Options, type Result } from 'execa';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  copyFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The Docker client shipped with docker.io (matches the engine's API). */
export const DOCKER_BIN = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
/** The offline image every test uses. */
export const BUSYBOX_IMAGE = 'hooks-busybox:latest';

/** A running private Docker engine. */
export interface DockerSandbox {
  /** `unix://…` address of the private socket. */
  host: string;
  /** Path of the socket. */
  socket: string;
  /** PID of dockerd. */
  pid: number;
  /** The env a docker client needs (`DOCKER_HOST`). */
  env: Record<string, string>;
  /** The docker client binary. */
  bin: string;
  /** Run `docker …` against this engine (never throws on non-zero exit). */
  docker(args: string[], options?: Options): Promise<Result>;
  /** Stop the engine and clean up. Idempotent. */
  stop(): Promise<void>;
}

/** Start a private dockerd. Prefer {@link withDocker}. */
export async function startDocker(): Promise<DockerSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-dk-'));
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'exec');
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [
      '--data-root',
      dataRoot,
      '--exec-root',
      execRoot,
      '-H',
      host,
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--storage-driver=overlay2',
    ],
    { stdio: ['ignore', log, log] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('withDocker: could not spawn dockerd');
  const env = { DOCKER_HOST: host };
  const docker = (args: string[], options: Options = {}): Promise<Result> =>
    execa(DOCKER_BIN, args, { reject: false, ...options, env: { ...env, ...(options.env ?? {}) } }) as Promise<Result>;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await docker(['info', '--format', '{{.ServerVersion}}'])).exitCode === 0) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`withDocker: dockerd did not start: ${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
    }
    await sleep(100);
  }
  let stopped = false;
  const sandbox: DockerSandbox = {
    host,
    socket,
    pid,
    env,
    bin: DOCKER_BIN,
    docker,
    async stop() {
      if (stopped) return;
      stopped = true;
      const ids = String((await docker(['ps', '-aq'])).stdout)
        .split('\n')
        .filter(Boolean);
      if (ids.length > 0) await docker(['rm', '-f', ...ids]);
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      await execa('umount', [join(execRoot, 'netns/default')], { reject: false });
      await execa('sh', ['-c', 'for d in /sys/fs/cgroup/*/docker; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; true'], {
        reject: false,
      });
      await execa('umount', ['-R', dataRoot], { reject: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await importBusybox(sandbox, dir);
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  return sandbox;
}

/** Run `fn` with a fresh private engine, and always tear it down. */
export async function withDocker<T>(fn: (docker: DockerSandbox) => Promise<T>): Promise<T> {
  const sandbox = await startDocker();
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.stop();
  }
}

// Build a rootfs from busybox-static (no registry) and `docker import` it.
async function importBusybox(sandbox: DockerSandbox, dir: string): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  const bin = join(rootfs, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const d of ['tmp', 'proc', 'sys', 'dev', 'etc', 'root']) mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync('/bin/busybox', join(bin, 'busybox'));
  chmodSync(join(bin, 'busybox'), 0o755);
  const list = await execa('/bin/busybox', ['--list']);
  for (const applet of list.stdout.split('\n').filter(Boolean)) {
    if (applet !== 'busybox' && !existsSync(join(bin, applet))) symlinkSync('busybox', join(bin, applet));
  }
  if (readdirSync(bin).length < 10) throw new Error('withDocker: busybox rootfs looks empty');
  const tarball = join(dir, 'rootfs.tar');
  await execa('tar', ['-C', rootfs, '-cf', tarball, '.']);
  const r = await sandbox.docker(['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', tarball, BUSYBOX_IMAGE]);
  if (r.exitCode !== 0) throw new Error(`withDocker: docker import failed: ${String(r.stderr)}`);
}
