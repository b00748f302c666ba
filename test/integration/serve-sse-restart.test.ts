// SSE across a restart under the real systemd --user (socket-activated): a client sees
// service_shutdown, the task_ended of each drained task, service_stopping, then, reconnecting
// with Last-Event-ID as an EventSource does, service_ready from the new instance, with no gap in
// the ids.
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

interface SseEvent {
  id: number | null;
  type: string;
  data: Record<string, unknown>;
}

// Read one SSE stream until it closes (or `until` says stop); returns its events and its retry hint.
async function readStream(
  url: string,
  lastEventId: number | null,
  until: (e: SseEvent) => boolean,
): Promise<{ events: SseEvent[]; retry: number | null }> {
  const res = await fetch(url, { headers: lastEventId === null ? {} : { 'last-event-id': String(lastEventId) } });
  expect(res.status).toBe(200);
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const events: SseEvent[] = [];
  let retry: number | null = null;
  let buffer = '';
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const fields = Object.fromEntries(
        frame
          .split('\n')
          .filter((l) => !l.startsWith(':') && l.includes(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
      );
      if (fields['retry'] !== undefined) retry = Number(fields['retry']);
      if (fields['event'] === undefined) continue;
      const e = {
        id: fields['id'] === undefined ? null : Number(fields['id']),
        type: String(fields['event']),
        data: JSON.parse(String(fields['data'])) as Record<string, unknown>,
      };
      events.push(e);
      if (until(e)) {
        await reader.cancel();
        return { events, retry };
      }
    }
  }
  return { events, retry };
}

describe('SSE across a restart', () => {
  it('service_shutdown, the drained task_ended, service_stopping, then service_ready from the new instance, ids without a gap', async () => {
    const { name, http } = await deployService(sb, 'hk-sse', {
      shutdown: { drain_ms: 6000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
      pool: [{ name: 'dev-2', type: 'dev' }],
    });
    const short = (await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 1500 } })).json['id'];
    const long = (await http.post('/task', { agent: 'dev-2', payload: { sleep_ms: 60_000 } })).json['id'];
    await waitFor(
      'both running',
      async () => (await http.task(String(short)))['status'] === 'running' && (await http.task(String(long)))['status'] === 'running',
    );

    const first = readStream(`${http.base}/events`, null, () => false);
    await new Promise((r) => setTimeout(r, 300));
    const restart = sb.systemctl('restart', `${name}.service`);
    const old = await first;
    expect((await restart).exitCode).toBe(0);
    const types = old.events.map((e) => e.type);
    expect(types[0]).toBe('service_shutdown');
    expect(types.at(-1)).toBe('service_stopping');
    const ended = old.events.filter((e) => e.type === 'task_ended').map((e) => [e.data['id'], e.data['status'], e.data['reason']]);
    expect(ended).toEqual(
      expect.arrayContaining([
        [short, 'succeeded', null],
        [long, 'cancelled', 'shutdown'],
      ]),
    );
    expect(old.retry).toBeGreaterThan(0);
    expect(old.events.every((e) => e.data['type'] === e.type)).toBe(true);

    // Reconnect as an EventSource does, with the last id seen.
    const lastId = old.events.at(-1)?.id ?? null;
    expect(lastId).not.toBeNull();
    const next = await readStream(`${http.base}/events`, lastId, (e) => e.type === 'service_ready');
    expect(next.events.map((e) => e.type)).toContain('service_ready');
    const ids = [...old.events, ...next.events].map((e) => e.id ?? -1);
    const start = ids[0] ?? 0;
    expect(ids).toEqual(ids.map((_, i) => start + i));
    await sb.systemctl('stop', `${name}.socket`, `${name}.service`);
  });
});
