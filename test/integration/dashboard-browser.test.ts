// The dashboard in a real browser (Debian's chromium driven by playwright-core) against the real
// service under systemd --user: a running task shows, a restart raises the shutdown banner with its
// countdown and busy workers, the drained task's end shows, the banner clears once the new instance
// is ready, and the re-queued attempt appears; never "disconnected", no console errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { deployService, waitFor } from '../harness/serve.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const RESULTS = new URL('../../.test-results/', import.meta.url);

let sb: SystemdSandbox;
let browser: Browser;
beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  sb = await startSystemd();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await sb?.stop();
});

describe('dashboard in chromium', () => {
  it('shows the drain banner across a systemctl --user restart, then the re-queued attempt', async () => {
    const { unit, http } = await deployService(sb, 'hk-dash', {
      shutdown: { drain_ms: 4000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
      pool: [{ name: 'dev-2', type: 'dev' }],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(http.base);
    await page.locator('#link', { hasText: 'live' }).waitFor();

    const long = String((await http.post('/task', { agent: 'dev-2', payload: { sleep_ms: 60_000 } })).json['id']);
    const running = page.locator('[data-testid="running"] tbody');
    await running.locator(`tr[data-task="${long}"]`).waitFor();
    await expect(page.locator(`[data-testid="agents"] tr[data-agent="dev-2"]`).textContent()).resolves.toContain('busy');
    // Each task and agent shows its host (the one running it), and the header names this host.
    const hostId = String((await http.get('/overview')).json['host_id']);
    expect(hostId).not.toBe('null');
    await expect(running.locator(`tr[data-task="${long}"] td.host`).textContent()).resolves.toBe(hostId);
    await expect(page.locator(`[data-testid="agents"] tr[data-agent="dev-2"] td.host`).textContent()).resolves.toBe(hostId);
    await expect(page.getByTestId('hosts').textContent()).resolves.toBe(`host: ${hostId}`);

    // Watch the link line through the whole restart: it must never say "disconnected".
    const linkTexts = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        linkTexts.add(
          (await page
            .locator('#link')
            .textContent()
            .catch(() => '')) ?? '',
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // The short task starts just before the restart, so that it is still running when the drain begins
    // (the checks above can take seconds on a loaded machine) and ends well inside the 4 s drain.
    const short = String((await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 2000 } })).json['id']);
    await running.locator(`tr[data-task="${short}"]`).waitFor();
    const restart = sb.systemctl('restart', unit);
    const banner = page.getByRole('alert');
    await banner.waitFor({ state: 'visible', timeout: 5000 });
    await expect(banner.getByTestId('countdown').textContent()).resolves.toMatch(/^\d+ s left of the drain budget$/);
    const first = Number(/^\d+/.exec((await banner.getByTestId('countdown').textContent()) ?? '')?.[0]);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(4);
    await expect(banner.textContent()).resolves.toContain(`dev-2: task ${long.slice(0, 8)}`);
    await expect(banner.textContent()).resolves.toContain(`dev-default: task ${short.slice(0, 8)}`);
    await page.screenshot({ path: new URL('dashboard-banner.png', RESULTS).pathname });

    // The drained task's end shows in the banner (and in history); the long one is aborted.
    await banner.locator(`li[data-task="${short}"]`, { hasText: 'succeeded' }).waitFor({ timeout: 5000 });
    await page.locator(`[data-testid="history"] tr[data-task="${short}"]`, { hasText: 'succeeded' }).waitFor();
    await banner.locator(`li[data-task="${long}"]`, { hasText: 'aborted' }).waitFor({ timeout: 8000 });

    const restarted = await restart;
    expect(restarted.exitCode, String(restarted.stderr)).toBe(0);
    await banner.waitFor({ state: 'hidden', timeout: 15_000 });
    const retried = await waitFor('the re-queued attempt', async () => {
      const t = await http.task(long);
      return typeof t['retried_as'] === 'string' ? t['retried_as'] : null;
    });
    const attempt2 = running.locator(`tr[data-task="${retried}"]`);
    await attempt2.waitFor({ timeout: 10_000 });
    // Task, agent, host, attempt.
    await expect(attempt2.locator('td').nth(3).textContent()).resolves.toBe('2');
    await expect(attempt2.locator('td.host').textContent()).resolves.toBe(hostId);
    const aborted = page.locator(`[data-testid="history"] tr[data-task="${long}"]`);
    await expect(aborted.textContent()).resolves.toMatch(/cancelled.*shutdown/);
    await expect(aborted.getByRole('link', { name: 'next →' }).getAttribute('href')).resolves.toBe(`#task-${retried}`);
    await page.locator('#link', { hasText: 'live' }).waitFor();
    watching = false;
    await watch;
    expect([...linkTexts].filter((t) => /disconnected/i.test(t))).toEqual([]);

    // Keyboard: Tab reaches the cancel button of the running attempt, Enter cancels it.
    const cancel = attempt2.getByRole('button', { name: `Cancel task ${retried}` });
    await cancel.focus();
    await page.keyboard.press('Enter');
    await waitFor('the cancel to land', async () => (await http.task(retried))['status'] === 'cancelled', 10_000);

    // Readable on a phone: nothing wider than the viewport but the scrolling tables.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: new URL('dashboard-390.png', RESULTS).pathname, fullPage: true });

    expect(problems).toEqual([]);
    await sb.systemctl('stop', unit);
  });
});
