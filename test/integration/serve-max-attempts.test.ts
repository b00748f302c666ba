// Bounded retries under the real systemd --user: a task that outlasts every drain runs
// shutdown.max_attempts times in all, then ends failed/attempts-exhausted, and the journal tells
// its history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { deployService, waitFor } from '../harness/serve.js';

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

describe('bounded retries', () => {
  it('a task longer than every drain ends failed/attempts-exhausted after max_attempts runs', async () => {
    const { name, http } = await deployService(sb, 'hk-attempts', {
      shutdown: { drain_ms: 500, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000, max_attempts: 2 },
      pool: [],
    });
    const first = String((await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 600_000 } })).json['id']);
    await waitFor('attempt 1 running', async () => (await http.task(first))['status'] === 'running');
    expect((await sb.systemctl('restart', `${name}.service`)).exitCode).toBe(0);
    const second = await waitFor('attempt 2 running', async () => {
      const t = await http.task(String((await http.task(first))['retried_as']));
      return t['status'] === 'running' ? t : null;
    });
    expect(second).toMatchObject({ attempt: 2, retry_of: first });
    expect((await sb.systemctl('restart', `${name}.service`)).exitCode).toBe(0);
    const last = await waitFor('attempt 2 to end for good', async () => {
      const t = await http.task(String(second['id']));
      return t['status'] === 'failed' ? t : null;
    });
    expect(last).toMatchObject({ status: 'failed', reason: 'attempts-exhausted', attempt: 2, retried_as: null });
    const story = await sb.journal([`HOOKS_SERVICE=${name}`, `TASK_ID=${String(second['id'])}`, 'ATTEMPTS=2']);
    expect(story.map((e) => String(e['MESSAGE']))).toContainEqual(
      expect.stringContaining('ran 2 times without finishing (#1 cancelled/shutdown, #2 failed/attempts-exhausted)'),
    );
    await sb.systemctl('stop', `${name}.socket`, `${name}.service`);
  });
});
