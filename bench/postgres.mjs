// A throwaway private PostgreSQL for benchmarks (root only): Debian's postgresql 15 run by hand
// as `postgres` in a private data directory, on a port of its own, trust auth on 127.0.0.1.
// The TS test harness (test/harness/postgres.ts) is not built into dist/, so this is its small JS twin.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
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

/** Start a private server; returns { port, url(name), sql(statement, name), createDatabase(prefix), cpuMs(), destroy() }. */
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
  // One statement on database `name`, over a connection of its own (CREATE/DROP DATABASE, VACUUM and CHECKPOINT refuse a transaction).
  const sql = async (statement, name = 'postgres') => {
    const client = new pg.Client({ connectionString: url(name) });
    await client.connect();
    try {
      return (await client.query(statement)).rows;
    } finally {
      await client.end();
    }
  };
  let counter = 0;
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    port,
    /** CPU time (user + system, ms) used so far by this server's postmaster and its live children (the backends). */
    cpuMs() {
      let ticks = 0;
      for (const pid of readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        let stat;
        try {
          stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        } catch {
          continue; // exited meanwhile
        }
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(pid) === postmaster || Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
      }
      return ticks * 10; // USER_HZ is 100 on Linux
    },
    url,
    sql,
    /** Create an empty database; resolves with its name and URL. */
    async createDatabase(prefix = 'bench') {
      const name = `${prefix}_${process.pid}_${++counter}`;
      await sql(`CREATE DATABASE ${name}`);
      return { name, url: url(name) };
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
