// A throwaway private PostgreSQL for benchmarks (root only): Debian's postgresql 15 run by hand
// as `postgres` in a private data directory, on a port of its own, trust auth on 127.0.0.1.
// The TS test harness (test/harness/postgres.ts) is not built into dist/, so this is its small JS twin.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';
const ROOT = '/var/lib/hooksctl-test';

/** A free port on 127.0.0.1 (the kernel picks it). */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Start a private server; returns { port, url(name), createDatabase(prefix), psql(sql, name), destroy() }. */
export async function privatePostgres() {
  if (!existsSync(join(BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${BIN}/initdb missing): run scripts/setup`);
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  mkdirSync(ROOT, { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'bench-pg-'));
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  const port = await freePort();
  const asPostgres = (file, args) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, file), ...args], { stdio: 'pipe', cwd: dir });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
  try {
    asPostgres('pg_ctl', ['-D', data, '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', log, 'start']);
  } catch (error) {
    throw new Error(`PostgreSQL did not start in ${dir}: ${error.message}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
  }
  const url = (name = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${name}`;
  const psql = (sql, name = 'postgres') =>
    execFileSync(join(BIN, 'psql'), [
      '-X',
      '-q',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      dir,
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      name,
      '-c',
      sql,
    ]).toString();
  let counter = 0;
  return {
    port,
    url,
    psql,
    createDatabase(prefix = 'bench') {
      const name = `${prefix}_${process.pid}_${++counter}`;
      psql(`CREATE DATABASE ${name}`);
      return url(name);
    },
    destroy() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-w', 'stop', '-m', 'fast']);
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
