// The build's training runs: bin/hooksctl run once per verb with HOOKSCTL_TRAIN_CODE_CACHE=<verb>,
// so it writes the V8 code cache of every chunk that run compiled (dist/bundle/cache/<verb>/).
// `core` is --help, which every other verb falls back to; `serve` starts a throwaway service (its
// own port and database in a temporary folder), takes a task (POST /task, run by the example agent
// of the defaults), answers the reads (/healthz, /tasks, /task/:id) and drains on SIGTERM, so
// intake and the drain are compiled from the cache too, as they are what a restart waits for;
// `validate-unit` checks a small unit file. A run that fails only leaves its verb without a cache (a warning):
// that verb then compiles from source, as before, and is as correct, only slower to start.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePack } from './pack-chunks.mjs';

const BIN = fileURLToPath(new URL('../bin/hooksctl', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../dist/bundle/', import.meta.url));
// The training runs see no systemd of ours: no notify socket, journal stream or passed listeners.
const env = (verb, extra = {}) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/',
  HOOKSCTL_TRAIN_CODE_CACHE: verb,
  ...extra,
});

/**
 * Run the training runs; resolves when each has written its caches (or warned). Each verb runs
 * twice: the first run records each chunk's cache and which chunks it loaded, the build packs
 * those (for serve, the ones loaded before its ready line), and the second run records the pack's cache.
 */
export async function trainCodeCaches() {
  const dir = mkdtempSync(join(tmpdir(), 'hooksctl-train-'));
  try {
    const unit = join(dir, 'train.service');
    writeFileSync(unit, '[Unit]\nDescription=training run\n\n[Service]\nExecStart=/bin/true\n');
    const verbs = [
      { verb: 'core', train: (extra) => run('core', ['--help'], { extra }) },
      { verb: 'validate-unit', train: (extra) => run('validate-unit', ['validate-unit', unit], { allowFail: true, extra }) },
      { verb: 'serve', train: (extra) => serve(dir, extra) },
    ];
    for (const { verb, train } of verbs) {
      const list = join(dir, `${verb}.loaded.json`);
      const until = await train({ HOOKSCTL_TRAIN_PACK_LIST: list });
      if (!existsSync(list)) {
        console.warn(`code cache for ${verb}: the training run wrote no list of its chunks; ${verb} starts without a pack`);
        continue;
      }
      const names = JSON.parse(readFileSync(list, 'utf8'))
        .filter((c) => !c.alone && (until === undefined || BigInt(c.at) < until))
        .map((c) => c.name);
      if (names.length === 0) continue;
      writePack(BUNDLE, verb, names);
      await train({});
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A verb that ends by itself; what it loaded is all packed.
function run(verb, args, { allowFail = false, extra = {} } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: env(verb, extra), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 && !allowFail)
    console.warn(`code cache for ${verb}: training run exited ${r.status}; ${verb} starts without it\n${r.stderr}`);
  return undefined;
}

// serve until its ready line, the work a restart waits for, then a drain; resolves to when the ready line was seen (CLOCK_MONOTONIC, ns).
async function serve(dir, extra) {
  let readyAt;
  const port = await freePort();
  const config = join(dir, 'agents.json');
  writeFileSync(config, JSON.stringify({ service: { name: 'hooksctl-train', host: '127.0.0.1', port, db: join(dir, 'data/hooks.db') } }));
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config], {
    env: env('serve', extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    const onData = (chunk) => {
      output += chunk;
      if (readyAt === undefined && /ready: listening/.test(output)) {
        readyAt = process.hrtime.bigint();
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => resolve(false));
  });
  if (ready) await exercise(port).catch((error) => console.warn(`code cache for serve: the training requests failed: ${error.message}`));
  child.kill('SIGTERM');
  const code = await exited;
  if (!ready || code !== 0)
    console.warn(
      `code cache for serve: the training run did not start and stop cleanly (exit ${code}); serve starts without it\n${output}`,
    );
  return readyAt ?? 0n;
}

// What a restart under load asks of serve: intake, the reads, one task run to its end.
async function exercise(port) {
  const base = `http://127.0.0.1:${port}`;
  const post = await fetch(`${base}/task`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agent: 'dev-default', payload: { training: true } }),
  });
  const { url } = await post.json();
  if (typeof url !== 'string') throw new Error(`POST /task answered ${post.status}`);
  for (const path of ['/healthz', '/tasks', url]) await (await fetch(`${base}${path}`)).text();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { status } = await (await fetch(`${base}${url}`)).json();
    if (status !== 'queued' && status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the training task did not end within 20 s');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
