// READY=1 is the first sd_notify message of serve, even when a re-queued task starts at boot
// and the watchdog is armed; and a stop sends STOPPING before the last STATUS. Runs the real
// runService (real store file, real listening server, a real echo-agent child) with a notifier
// that records its datagrams instead of sending them.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { systemClock, type Runtime, type SignalSource } from '../../src/runtime.js';
import { runService } from '../../src/service/index.js';
import { createNotifier } from '../../src/systemd/notify/notify.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { waitFor } from '../harness/processes.js';

const dir = mkdtempSync(join('/var/tmp', 'hooks-notify-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve: sd_notify order', () => {
  it('sends READY=1 before any STATUS= or WATCHDOG=, with a re-queued task starting at boot', async () => {
    const db = join(dir, 'hooks.db');
    const pre = await openSqliteStore(db, systemClock);
    const { row } = await pre.enqueue({ agent: 'dev-default', payload: { sleep_ms: 300 } });
    await pre.claim(row.id); // left running, as by a crash: recovery re-queues it at boot
    await pre.close();

    const { config: base } = loadConfig({ env: {}, cwd: dir, execPath: process.execPath, exists: () => false });
    const config: Config = { ...base, service: { ...base.service, db, port: 0 } };
    const sent: string[] = [];
    const pid = 4242;
    const notifier = createNotifier({ env: { NOTIFY_SOCKET: '/run/fake' }, transport: (text) => sent.push(text) });
    const handlers = new Map<string, (s: NodeJS.Signals) => void>();
    const signals: SignalSource = {
      on(name, handler) {
        handlers.set(name, handler);
        return () => handlers.delete(name);
      },
    };
    const err: string[] = [];
    const runtime: Runtime = {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', WATCHDOG_USEC: '300000', WATCHDOG_PID: String(pid) },
      cwd: dir,
      clock: systemClock,
      signals,
      exit: () => {},
      stdout: { write: () => {} },
      stderr: { write: (t) => void err.push(t) },
    };
    const done = runService({ config, runtime, pid, notifier });
    await waitFor(() => sent.some((m) => m.includes('READY=1')), 10_000, 'READY=1');
    await waitFor(() => sent.some((m) => m.includes('WATCHDOG=1')), 10_000, 'a watchdog ping');
    // The re-queued task starts after READY=1 (READY waits only for what intake needs).
    await waitFor(() => sent.some((m) => m.includes('STATUS=1 running')), 10_000, 'the re-queued task to start');
    expect(sent[0]).toContain('READY=1');
    expect(sent[0]).toContain('STATUS=0 running, 1 queued');
    handlers.get('SIGTERM')?.('SIGTERM');
    expect(await done).toBe(0);
    const stoppingAt = sent.findIndex((m) => m.includes('STOPPING=1'));
    expect(stoppingAt).toBeGreaterThan(0);
    const check = await openSqliteStore(db, systemClock);
    const attempts = await check.attempts(row.id);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1]?.status).toBe('succeeded');
    await check.close();
  });
});
