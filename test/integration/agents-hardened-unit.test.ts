// Issue 13's acceptance under the real systemd --user: a realistic coding agent under the unit that
// install-unit generates (HOME state, /tmp scratch, a repo edit, an API key credential), with the
// exposure kept; a hung silent agent stopped by no_output_timeout_ms with its whole process group;
// and the credential's value in no unit file, journal entry or task row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { BIN, client, freePort, uniqueName, waitFor, writeServeConfig } from '../harness/serve.js';

const AGENT = fileURLToPath(new URL('../fixtures/coding-agent.mjs', import.meta.url));
// Ignores SIGTERM (so the grace runs out and SIGKILL is needed) and leaves two children in its group.
const HUNG = "trap '' TERM; sleep 300 & sleep 300 & wait";

// About 110 kB of output, then "done".
const CHATTY = 'i=0; while [ $i -lt 2000 ]; do echo "line $i of a chatty agent, padded to fifty bytes"; i=$((i+1)); done; echo done';

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
}, 60_000);
afterAll(async () => {
  await sb?.stop();
});

// The PIDs whose process group is `pgid` (field 5 of /proc/<pid>/stat).
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('real coding agents under the hardened unit', () => {
  it('runs the agent with HOME, /tmp, repo and credential; stops a hung one; keeps the secret out of unit, journal and rows', async () => {
    const name = uniqueName('hk-agents');
    const port = await freePort();
    const dir = join(sb.workDir, name);
    const repo = join(dir, 'repo');
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'README'), 'v1\n');
    const secret = `sk-${randomBytes(24).toString('hex')}`;
    const secretFile = join(dir, 'secrets/api-key');
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(secretFile, secret);
    chmodSync(secretFile, 0o600);
    const cfg = writeServeConfig(dir, {
      service: { name, port, db: join(dir, 'data/hooks.db'), credentials: { 'api-key': secretFile } },
      shutdown: { drain_ms: 2000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
      unit: { watchdog_sec: null },
      types: {
        coder: { mode: 'process', command: [process.execPath, AGENT], cwd: repo, credentials: ['api-key'], timeout_ms: 60000 },
        hung: { mode: 'process', command: ['/bin/sh', '-c', HUNG], no_output_timeout_ms: 1500 },
        chatty: { mode: 'process', command: ['/bin/sh', '-c', CHATTY], max_output_bytes: 4096 },
      },
      pool: [],
    });
    const install = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', cfg]);
    expect(install.exitCode, `${String(install.stdout)}\n${String(install.stderr)}`).toBe(0);
    const exposure = Number(/exposure \(systemd-analyze security --offline=yes\): ([\d.]+)/.exec(String(install.stdout))?.[1]);
    console.log(`exposure of the generated unit with agent paths and a credential: ${exposure}`);
    expect(exposure).toBeLessThanOrEqual(2.5);
    const unitText = readFileSync(join(sb.unitDir, `${name}.service`), 'utf8');
    expect(unitText).toContain(`LoadCredential=api-key:${secretFile}`);
    expect(unitText).toMatch(new RegExp(`^ReadWritePaths=.*-${repo}( |$)`, 'm'));
    expect(unitText).toMatch(/^PrivateTmp=yes$/m);
    const start = await sb.systemctl('start', `${name}.service`);
    expect(start.exitCode, String(start.stderr)).toBe(0);
    const http = client(port);
    await waitFor('serve to answer', async () => (await http.get('/healthz').catch(() => null))?.status === 200);

    // The realistic agent: all four effects.
    const id = String((await http.post('/task', { agent: 'coder-default', payload: { n: 1 } })).json['id']);
    const row = await waitFor('the agent task to end', async () => {
      const t = await http.task(id);
      return t['status'] === 'running' || t['status'] === 'queued' ? null : t;
    });
    expect(row['status'], String(row['output'])).toBe('succeeded');
    const report = JSON.parse(String(row['output']).trim().split('\n').pop() ?? '{}') as {
      done: Record<string, string>;
      env: string[];
    };
    const home = join(dir, 'data/agents/coder-default');
    expect(report.done['home']).toBe(join(home, '.agent/state.json'));
    expect(JSON.parse(readFileSync(join(home, '.agent/state.json'), 'utf8'))).toEqual({ task: id });
    expect(readFileSync(join(repo, 'README'), 'utf8')).toBe(`v1\nedited by ${id}\n`);
    expect(report.done['key']).toBe(createHash('sha256').update(secret).digest('hex').slice(0, 16));
    // The scratch file is in the service's private /tmp, not the host's.
    const scratch = `/tmp/agent-scratch-${id}.txt`;
    expect(report.done['scratch']).toBe(scratch);
    expect(existsSync(scratch)).toBe(false);
    const mainPid = (await sb.show(`${name}.service`, ['MainPID'])).MainPID;
    expect(readFileSync(`/proc/${mainPid}/root${scratch}`, 'utf8')).toBe(`scratch of ${id}\n`);
    // The full output is in the task's log, served by GET /tasks/:id/output.
    const full = await fetch(`${http.base}/tasks/${id}/output`);
    expect(full.status).toBe(200);
    expect(await full.text()).toContain(`"scratch":"${scratch}"`);
    // The service's own secrets and its credentials directory are not in the agent's environment.
    expect(report.env).toContain('API_KEY_FILE');
    expect(report.env).not.toContain('CREDENTIALS_DIRECTORY');

    // The hung agent: failed/no-output-timeout within no_output_timeout_ms + abort_grace_ms + 1 s, group gone.
    const hungId = String((await http.post('/task', { agent: 'hung-default', payload: {} })).json['id']);
    // The view does not show the PID: read it from the store, as recovery does.
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'data/hooks.db'), { readonly: true, fileMustExist: true });
    const pgid = await waitFor('the hung task to run', async () => {
      const r = db.prepare('SELECT pid FROM task_history WHERE id = ?').get(hungId) as { pid: number | null } | undefined;
      return r?.pid ?? null;
    }).finally(() => db.close());
    await waitFor('the group to have its children', async () => groupMembers(pgid).length >= 3);
    const hung = await waitFor('the hung task to end', async () => {
      const t = await http.task(hungId);
      return t['status'] === 'running' ? null : t;
    });
    expect(hung).toMatchObject({ status: 'failed', reason: 'no-output-timeout' });
    const took = Date.parse(String(hung['ended_at'])) - Date.parse(String(hung['started_at']));
    console.log(`hung agent ended after ${took} ms (limit 1500 + grace 1000 + 1000)`);
    expect(took).toBeLessThanOrEqual(1500 + 1000 + 1000);
    expect(groupMembers(pgid)).toEqual([]);

    // An agent past max_output_bytes runs to its end; the stored output and the log are cut, with a marker.
    const chattyId = String((await http.post('/task', { agent: 'chatty-default', payload: {} })).json['id']);
    const chatty = await waitFor('the chatty task to end', async () => {
      const t = await http.task(chattyId);
      return t['status'] === 'running' || t['status'] === 'queued' ? null : t;
    });
    expect(chatty['status']).toBe('succeeded');
    expect(String(chatty['output'])).toMatch(/^\[hooksctl: output cut: the agent wrote \d+ bytes, max_output_bytes is 4096;/);
    expect(String(chatty['output']).trimEnd().endsWith('done')).toBe(true);
    const chattyLog = readFileSync(join(dir, `data/logs/${chattyId}.log`), 'utf8');
    expect(chattyLog).toMatch(/\n\[hooksctl: output cut at max_output_bytes=4096; the rest is not stored\]\n$/);
    expect(Buffer.byteLength(chattyLog)).toBeLessThan(4096 + 100);

    // The credential's value: in no unit file, no journal entry, no task row (the API nor the database file).
    expect(unitText).not.toContain(secret);
    const journal = await sb.journalctl('-o', 'json', '--no-pager');
    expect(String(journal.stdout).length).toBeGreaterThan(0);
    expect(String(journal.stdout)).not.toContain(secret);
    for (const t of [id, hungId]) expect(JSON.stringify(await http.task(t))).not.toContain(secret);
    expect((await sb.systemctl('stop', `${name}.service`)).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'data/hooks.db')).includes(secret)).toBe(false);
    for (const f of readdirSync(join(dir, 'data/logs'))) expect(readFileSync(join(dir, 'data/logs', f), 'utf8')).not.toContain(secret);
  }, 120_000);

  it('serve reads its own API token from its credential: requests need it, and it is in neither the unit nor the journal', async () => {
    const name = uniqueName('hk-cred');
    const port = await freePort();
    const dir = join(sb.workDir, name);
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    const token = `tok-${randomBytes(16).toString('hex')}`;
    writeFileSync(join(dir, 'secrets/token'), `${token}\n`);
    chmodSync(join(dir, 'secrets/token'), 0o600);
    const cfg = writeServeConfig(dir, {
      service: { name, port, db: join(dir, 'data/hooks.db'), credentials: { token: join(dir, 'secrets/token') } },
      shutdown: { drain_ms: 2000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
      unit: { watchdog_sec: null },
      types: { dev: { mode: 'process', command: ['/bin/true'] } },
      pool: [],
    });
    const install = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', cfg]);
    expect(install.exitCode, `${String(install.stdout)}\n${String(install.stderr)}`).toBe(0);
    expect((await sb.systemctl('start', `${name}.service`)).exitCode).toBe(0);
    const base = `http://127.0.0.1:${port}`;
    await waitFor('serve to answer', async () => (await fetch(`${base}/healthz`).catch(() => null))?.status === 200);
    expect((await fetch(`${base}/tasks`)).status).toBe(401);
    expect((await fetch(`${base}/tasks`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/tasks`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(readFileSync(join(sb.unitDir, `${name}.service`), 'utf8')).not.toContain(token);
    expect((await sb.systemctl('stop', `${name}.service`)).exitCode).toBe(0);
    expect(String((await sb.journalctl('-o', 'json', '--no-pager')).stdout)).not.toContain(token);
  }, 60_000);
});
