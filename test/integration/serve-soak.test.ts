// Soak (bounded): 200 short tasks through 5 restarts at random moments under the real systemd --user.
// Every task reaches a terminal state, none is lost, none runs twice at the same time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { deployService, waitFor } from '../harness/serve.js';

const AGENT = fileURLToPath(new URL('../fixtures/soak-agent.mjs', import.meta.url));
const TASKS = 200;
const RESTARTS = 5;
const AGENTS = ['soak-default', 'soak-2', 'soak-3'];

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

interface Run {
  key: string;
  agent: string;
  task: string;
  start: number;
  end: number | null;
}

describe('soak', () => {
  it(`${TASKS} tasks through ${RESTARTS} restarts: all terminal, 0 lost, 0 concurrent duplicates`, async () => {
    let soakLog = '';
    const { name, http } = await deployService(sb, 'hk-soak', ({ dataDir }) => {
      soakLog = join(dataDir, 'soak.log'); // the agents may only write the service's data directory
      return {
        shutdown: { drain_ms: 1500, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
        types: { soak: { mode: 'process', command: [process.execPath, AGENT], image: null, env: { SOAK_LOG: soakLog } } },
        pool: [
          { name: 'soak-2', type: 'soak' },
          { name: 'soak-3', type: 'soak' },
        ],
      };
    });

    // Restarts at random moments (one at a time, at least 2.5 s apart: systemd's default start
    // limit is 5 starts per 10 s) while tasks are posted at a steady pace. Every 10th task outlives
    // the drain, so some are force-aborted and must come back as a new attempt.
    let posting = true;
    const restarter = (async () => {
      for (let i = 0; i < RESTARTS; i++) {
        await sleep(2500 + Math.random() * 1500);
        const r = await sb.systemctl('restart', `${name}.service`);
        expect(r.exitCode, String(r.stderr)).toBe(0);
      }
      posting = false;
    })();
    const accepted = new Map<string, string>();
    let rejected = 0;
    const paceMs = 17_000 / TASKS;
    for (let i = 0; i < TASKS; i++) {
      const key = `k${i}`;
      const agent = AGENTS[i % AGENTS.length] ?? 'soak-default';
      const payload = { key, ms: i % 10 === 0 ? 2500 : 20 + Math.floor(Math.random() * 150) };
      const deadline = Date.now() + 60_000;
      for (;;) {
        const r = await http.post('/task', { agent, payload }).catch(() => null);
        if (r?.status === 202) {
          accepted.set(key, String(r.json['id']));
          break;
        }
        rejected += 1;
        if (Date.now() > deadline) throw new Error(`could not post ${key}: ${r?.status ?? 'connection refused'}`);
        await sleep(100);
      }
      if (posting) await sleep(Math.random() * 2 * paceMs);
    }
    await restarter;
    expect(accepted.size).toBe(TASKS);

    // Follow each task's attempts to the last one; every chain must end succeeded.
    const finals = await waitFor(
      'every task terminal',
      async () => {
        const out: Array<Record<string, unknown>> = [];
        for (const id of accepted.values()) {
          let t = await http.task(id);
          while (typeof t['retried_as'] === 'string') t = await http.task(t['retried_as']);
          if (!['succeeded', 'failed', 'cancelled', 'crashed'].includes(String(t['status']))) return null;
          out.push(t);
        }
        return out;
      },
      120_000,
      500,
    );
    expect(finals.filter((t) => t['status'] !== 'succeeded')).toEqual([]);
    expect((await http.get('/tasks?status=running')).json['tasks']).toEqual([]);

    // From the agents' own log: no key and no agent ran twice at the same time; every start ended.
    const runs = new Map<string, Run>();
    for (const line of readFileSync(soakLog, 'utf8').trim().split('\n')) {
      const [what, key, agent, task, pid, ts] = line.split(' ');
      const id = `${task}:${pid}`;
      if (what === 'start') runs.set(id, { key: key ?? '', agent: agent ?? '', task: task ?? '', start: Number(ts), end: null });
      else {
        const r = runs.get(id);
        if (r) r.end = Number(ts);
      }
    }
    const all = [...runs.values()];
    expect(all.filter((r) => r.end === null)).toEqual([]);
    const overlaps = (group: (r: Run) => string) => {
      const by = new Map<string, Run[]>();
      for (const r of all) by.set(group(r), [...(by.get(group(r)) ?? []), r]);
      const bad: string[] = [];
      for (const [g, list] of by) {
        const sorted = [...list].sort((a, b) => a.start - b.start);
        for (let i = 1; i < sorted.length; i++)
          if ((sorted[i]?.start ?? 0) < (sorted[i - 1]?.end ?? 0)) bad.push(`${g}: ${sorted[i - 1]?.task} and ${sorted[i]?.task}`);
      }
      return bad;
    };
    expect(overlaps((r) => r.key)).toEqual([]);
    expect(overlaps((r) => r.agent)).toEqual([]);
    expect(new Set(all.map((r) => r.key)).size).toBe(TASKS);
    console.log(
      `soak: ${TASKS} tasks, ${all.length} runs (${all.length - TASKS} re-runs after a forced abort), ${RESTARTS} restarts, ${rejected} posts refused during restarts`,
    );
    await sb.systemctl('stop', `${name}.service`);
  });
});
