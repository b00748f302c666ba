/**
 * A real PostgreSQL for integration tests: Debian's postgresql 15, run by hand as the
 * `postgres` user with initdb and pg_ctl, in a private data directory (owned by postgres, so
 * under /var/lib/hooksctl-test, not /root) on a port of its own, with trust auth on 127.0.0.1.
 * It fails loudly when it cannot start: a test that needs it is never skipped.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';
const ROOT = '/var/lib/hooksctl-test';

/** A running server. */
export interface PostgresServer {
  /** Its port on 127.0.0.1. */
  port: number;
  /** Its data directory. */
  dir: string;
  /** A `postgres://` URL of database `name` (no password: trust auth). */
  url(name?: string): string;
  /** Create a fresh, empty database and return its URL. */
  createDatabase(prefix?: string): string;
  /** Run one SQL statement with psql on database `name`; its output. */
  psql(sql: string, name?: string): string;
  /** Stop the server (fast) but keep its data, so {@link PostgresServer.start} brings it back. */
  stop(): void;
  /** Start it again after {@link PostgresServer.stop}. */
  start(): void;
  /** Stop it and remove its data directory. */
  destroy(): void;
}

let counter = 0;

/** Options for {@link startPostgres}. */
export interface StartOptions {
  /** Require this password of the `postgres` user over TCP (scram-sha-256); default: trust, no password. */
  password?: string;
}

/** Initialise and start a private server; throws (with the log) when it cannot. */
export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  if (!existsSync(join(BIN, 'initdb')))
    throw new Error(`PostgreSQL 15 is not installed (${BIN}/initdb missing): run scripts/setup (it installs the postgresql package)`);
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  mkdirSync(ROOT, { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'pg-'));
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  const port = await freePort();
  const asPostgres = (file: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, file), ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  const start = () => {
    try {
      asPostgres('pg_ctl', ['-D', data, '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', log, 'start']);
    } catch (error) {
      const text = existsSync(log) ? readFileSync(log, 'utf8') : '(no log)';
      throw new Error(`PostgreSQL did not start in ${dir}: ${(error as Error).message}\n${text}`);
    }
  };
  const stop = () => {
    try {
      asPostgres('pg_ctl', ['-D', data, '-w', 'stop', '-m', 'fast']);
    } catch {
      // Already stopped.
    }
  };
  if (options.password === undefined) asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
  else {
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${options.password}\n`);
    chownSync(pwfile, uid, gid);
    // The socket stays trusted (the harness's psql), TCP needs the password.
    asPostgres('initdb', ['-D', data, '--auth-local=trust', '--auth-host=scram-sha-256', '-U', 'postgres', `--pwfile=${pwfile}`]);
  }
  start();
  const url = (name = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${name}`;
  // Over the unix socket in the data directory's parent, which trusts the local postgres user.
  const psql = (sql: string, name = 'postgres') =>
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
  return {
    port,
    dir,
    url,
    psql,
    createDatabase(prefix = 't') {
      const name = `${prefix}_${process.pid}_${++counter}`;
      psql(`CREATE DATABASE ${name}`);
      return url(name);
    },
    stop,
    start,
    destroy() {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A port nobody listens on right now (the kernel picks it).
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
