// A throwaway private dockerd for benchmarks that need a real engine (root only), with an
// offline busybox image. The TS test harness is not built into dist/, so this is its small JS twin.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The docker.io client that matches the engine. */
export const CLIENT = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
/** The image the benchmark containers use. */
export const IMAGE = 'hooks-bench-busybox:latest';

/** Start dockerd on a private socket and import busybox; returns { env, stop }. */
export async function privateDockerd() {
  const root = mkdtempSync(join(tmpdir(), 'hooks-bench-dk-'));
  const host = `unix://${join(root, 'd.sock')}`;
  const env = { DOCKER_HOST: host, PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const out = openSync(join(root, 'log'), 'a');
  const daemon = spawn(
    'dockerd',
    [
      '--data-root',
      join(root, 'data'),
      '--exec-root',
      join(root, 'exec'),
      '-H',
      host,
      '--pidfile',
      join(root, 'pid'),
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--storage-driver=overlay2',
    ],
    { stdio: ['ignore', out, out] },
  );
  const client = (args) => spawnSync(CLIENT, args, { env, encoding: 'utf8' });
  const stop = async () => {
    const ids = client(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) client(['rm', '-f', ...ids]);
    const gone = new Promise((resolve) => (daemon.exitCode !== null ? resolve() : daemon.once('exit', resolve)));
    daemon.kill('SIGTERM');
    await Promise.race([gone, sleep(20_000).then(() => daemon.kill('SIGKILL'))]);
    spawnSync('umount', [join(root, 'exec', 'netns', 'default')]);
    spawnSync('umount', ['-R', join(root, 'data')]);
    spawnSync('sh', ['-c', 'for d in /sys/fs/cgroup/*/docker; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done; true']);
    rmSync(root, { recursive: true, force: true });
  };
  for (let i = 0; client(['version', '--format', '{{.Server.Version}}']).status !== 0; i++) {
    if (i > 600 || daemon.exitCode !== null) {
      await stop();
      throw new Error('bench: dockerd did not start');
    }
    await sleep(100);
  }
  const fs = join(root, 'fs');
  for (const d of ['bin', 'tmp', 'proc', 'sys', 'dev', 'etc']) mkdirSync(join(fs, d), { recursive: true });
  chmodSync(join(fs, 'tmp'), 0o1777);
  copyFileSync('/bin/busybox', join(fs, 'bin', 'busybox'));
  for (const a of spawnSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n'))
    if (a && a !== 'busybox') symlinkSync('busybox', join(fs, 'bin', a));
  spawnSync('tar', ['-C', fs, '-cf', join(root, 'fs.tar'), '.']);
  if (client(['import', '--change', 'ENV PATH=/bin', join(root, 'fs.tar'), IMAGE]).status !== 0) {
    await stop();
    throw new Error('bench: image import failed');
  }
  return { env, stop };
}
