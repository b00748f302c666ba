// Watchdog acceptance: WatchdogSec=1 kept fed by the keepalive while healthy; when the health
// check fails (a marker file appears) systemd restarts the service. WATCHDOG=trigger too.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';

const WATCHDOG = fileURLToPath(new URL('../fixtures/sd-watchdog.mjs', import.meta.url));

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

// Install and start a watchdog unit; returns its name and marker path.
async function startWatchdogUnit(watchdogSec: string, trigger: boolean): Promise<{ unit: string; marker: string }> {
  const id = randomBytes(4).toString('hex');
  const unit = `hooks-wd-${id}.service`;
  const marker = join(sb.workDir, `unhealthy-${id}`);
  await sb.installUnit(
    unit,
    `[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=notify\nExecStart=${process.execPath} ${WATCHDOG} ${marker} ${trigger ? 1 : 0}\nWatchdogSec=${watchdogSec}\nRestart=on-watchdog\nRestartSec=200ms\n`,
  );
  const r = await sb.systemctl('start', unit);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return { unit, marker };
}

// Poll NRestarts until it reaches `min` or `ms` pass; returns the last value.
async function waitForRestarts(unit: string, min: number, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  let n = 0;
  while (performance.now() < deadline) {
    n = Number((await sb.show(unit, ['NRestarts'])).NRestarts);
    if (n >= min) break;
    await sleep(200);
  }
  return n;
}

describe('watchdog keepalive under systemd --user', () => {
  it('keeps a WatchdogSec=1 unit alive while healthy, and systemd restarts it once the check fails', async () => {
    const { unit, marker } = await startWatchdogUnit('1', false);
    try {
      // Three full watchdog periods: without the keepalive systemd would have restarted it.
      expect(await waitForRestarts(unit, 1, 3000)).toBe(0);
      expect((await sb.show(unit, ['ActiveState'])).ActiveState).toBe('active');
      writeFileSync(marker, '');
      expect(await waitForRestarts(unit, 1, 30_000)).toBeGreaterThanOrEqual(1);
      const timeouts = await sb.journal([`USER_UNIT=${unit}`]);
      expect(timeouts.some((e) => /watchdog timeout/i.test(String(e['MESSAGE'])))).toBe(true);
    } finally {
      rmSync(marker, { force: true });
      await sb.systemctl('stop', unit);
    }
  });

  it('WATCHDOG=trigger makes systemd act at once, long before WatchdogSec=60', async () => {
    const { unit, marker } = await startWatchdogUnit('60', true);
    try {
      expect((await sb.systemctl('kill', '--signal=SIGUSR1', unit)).exitCode).toBe(0);
      expect(await waitForRestarts(unit, 1, 20_000)).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(marker, { force: true });
      await sb.systemctl('stop', unit);
    }
  });
});
