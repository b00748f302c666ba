// Constant intake across 20 restarts under the real systemd --user, with socket activation:
// about 20 req/s of POST /task (new and keep-alive connections) and signed webhooks (each
// delivery sent twice), with tasks in flight, some longer than drain_ms. Required: 0 refused,
// 0 reset, 0 answered 503, 0 lost; every accepted task ends succeeded (following retried_as), and
// a replayed webhook delivery gets the same task. The test prints its counts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/server/signature.js';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { deployService, waitFor } from '../harness/serve.js';
import { countOutcomes, lastAttempts, postFresh, postKeepAlive, type Outcome } from '../harness/intake-load.js';

const AGENT = fileURLToPath(new URL('../fixtures/soak-agent.mjs', import.meta.url));
const SECRET = 'intake-secret';
const RESTARTS = 20;
const RATE_PER_S = 20;

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

const issueBody = (n: number) =>
  JSON.stringify({
    action: 'assigned',
    issue: { number: n, title: `issue ${n}`, body: 'b', assignees: [{ login: 'soak-2' }] },
    repository: { full_name: 'o/r' },
  });

describe('intake across restarts', () => {
  it(`${RESTARTS} restarts under ~${RATE_PER_S} req/s: 0 refused, 0 reset, 0 answered 503, 0 lost`, async () => {
    const { name, port, http } = await deployService(sb, 'hk-intake', ({ dataDir }) => ({
      service: { webhook_secret_env: 'HOOKS_WEBHOOK_SECRET' },
      shutdown: { drain_ms: 1500, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000, max_attempts: 20 },
      types: { soak: { mode: 'process', command: [process.execPath, AGENT], image: null, env: { SOAK_LOG: join(dataDir, 'soak.log') } } },
      pool: ['soak-2', 'soak-3', 'soak-4', 'soak-5', 'soak-6'].map((n) => ({ name: n, type: 'soak' })),
    }));
    // The secret, and no start rate limit for 20 restarts in a minute, in a drop-in.
    const dropIn = join(sb.unitDir, `${name}.service.d`);
    mkdirSync(dropIn, { recursive: true });
    writeFileSync(join(dropIn, 'test.conf'), `[Unit]\nStartLimitIntervalSec=0\n[Service]\nEnvironment=HOOKS_WEBHOOK_SECRET=${SECRET}\n`);
    await sb.systemctl('daemon-reload');
    await sb.systemctl('restart', `${name}.service`);
    expect((await sb.show(`${name}.socket`, ['ActiveState'])).ActiveState).toBe('active');

    const outcomes: Outcome[] = [];
    const webhookIds = new Map<string, string[]>();
    let sending = true;
    const agents = ['soak-default', 'soak-2', 'soak-3', 'soak-4', 'soak-5', 'soak-6'];
    const load = (async () => {
      const pending: Promise<void>[] = [];
      for (let i = 0; sending; i++) {
        const kind = i % 4;
        if (kind === 3) {
          // A signed webhook, its delivery sent again a second later (a replay during a restart, sometimes).
          const body = issueBody(i);
          const headers = { 'x-forgejo-signature': signBody(SECRET, body), 'x-forgejo-delivery': `d-${i}`, 'x-forgejo-event': 'issues' };
          const send = async () => {
            const o = { ...(await postFresh(port, '/webhook/forgejo', body, headers)), via: 'webhook' };
            outcomes.push(o);
            if (o.kind === 'accepted') webhookIds.set(`d-${i}`, [...(webhookIds.get(`d-${i}`) ?? []), o.id]);
          };
          pending.push(send(), sleep(1000).then(send));
        } else {
          const payload = JSON.stringify({
            agent: agents[i % agents.length],
            payload: { key: `k${i}`, ms: i % 10 === 0 ? 2500 : 20 + (i % 7) * 30 },
          });
          const post = kind === 0 ? postFresh : postKeepAlive;
          pending.push(
            post(port, '/task', payload, {}).then((o) => void outcomes.push({ ...o, via: kind === 0 ? 'fresh' : 'keep-alive' })),
          );
        }
        await sleep(1000 / RATE_PER_S);
      }
      await Promise.all(pending);
    })();
    for (let r = 0; r < RESTARTS; r++) {
      await sleep(2000 + Math.random() * 1000);
      const res = await sb.systemctl('restart', `${name}.service`);
      expect(res.exitCode, String(res.stderr)).toBe(0);
    }
    await sleep(1500);
    sending = false;
    await load;

    const counts = countOutcomes(outcomes);
    console.log(`intake across ${RESTARTS} restarts: ${JSON.stringify(counts)}`);
    expect(outcomes.filter((o) => o.kind !== 'accepted')).toEqual([]);

    // Replays of one delivery got one task.
    for (const [delivery, ids] of webhookIds) expect(new Set(ids).size, delivery).toBe(1);

    // Every accepted task ends succeeded, following its attempts.
    const ids = [...new Set(outcomes.flatMap((o) => (o.kind === 'accepted' ? [o.id] : [])))];
    await waitFor(
      'the queue to empty',
      async () => {
        const h = (await http.get('/healthz')).json;
        return h['queued'] === 0 && h['running'] === 0;
      },
      240_000,
      1000,
    );
    const finals = await lastAttempts(ids, (id) => http.task(id));
    const notSucceeded = finals.filter((t) => t['status'] !== 'succeeded');
    console.log(
      `intake across ${RESTARTS} restarts: ${ids.length} tasks, ${finals.length - notSucceeded.length} succeeded, ${finals.filter((t) => Number(t['attempt']) > 1).length} needed a second attempt`,
    );
    expect(notSucceeded).toEqual([]);
    expect(finals).toHaveLength(ids.length);
    await sb.systemctl('stop', `${name}.socket`, `${name}.service`);
  }, 480_000);
});
