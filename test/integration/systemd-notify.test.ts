// The Notifier against the real thing: a Type=notify unit under systemd --user, and libsystemd
// sending to an abstract-namespace socket.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withSystemd } from '../harness/systemd.js';

const READY = fileURLToPath(new URL('../fixtures/sd-notify-ready.mjs', import.meta.url));
const RECEIVER = fileURLToPath(new URL('../fixtures/notify-abstract-receiver.py', import.meta.url));
const NOTIFY_JS = fileURLToPath(new URL('../../dist/systemd/notify/notify.js', import.meta.url));
const suffix = (): string => randomBytes(4).toString('hex');

describe('Notifier under systemd --user', () => {
  it('systemctl start returns only after READY, StatusText shows STATUS, and STATUS cannot inject READY', async () => {
    await withSystemd(async (sb) => {
      const unit = `hooks-notify-${suffix()}.service`;
      // The early STATUS tries to smuggle READY=1: if it worked, start would return at once.
      await sb.installUnit(
        unit,
        `[Service]\nType=notify\nExecStart=${process.execPath} ${READY} 1500 "ready: 2 agents" "starting\\nREADY=1"\nTimeoutStartSec=60\n`,
      );
      const t0 = performance.now();
      const start = await sb.systemctl('start', unit);
      const elapsed = performance.now() - t0;
      expect(start.exitCode, String(start.stderr)).toBe(0);
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(await sb.show(unit, ['ActiveState', 'SubState', 'StatusText'])).toEqual({
        ActiveState: 'active',
        SubState: 'running',
        StatusText: 'ready: 2 agents',
      });
      expect((await sb.systemctl('stop', unit)).exitCode).toBe(0);
      expect(await sb.show(unit, ['ActiveState', 'Result'])).toEqual({ ActiveState: 'inactive', Result: 'success' });
    });
  });
});

describe('Notifier over libsystemd, outside systemd', () => {
  it('delivers the wire text to an abstract-namespace (@) socket', async () => {
    const name = `hooks-notify-${suffix()}`;
    const receiver = execa('python3', [RECEIVER, name], { reject: false, timeout: 60_000 });
    try {
      await new Promise<void>((resolve, reject) => {
        receiver.stdout?.once('data', () => resolve());
        receiver.once('exit', () => reject(new Error('receiver exited before binding')));
      });
      const script = `const { createNotifier } = await import(${JSON.stringify(NOTIFY_JS)});
        console.log(JSON.stringify(createNotifier({ env: process.env }).send({ ready: true, status: 'via @abstract\\nMAINPID=1' })));`;
      const sender = await execa(process.execPath, ['--input-type=module', '-e', script], {
        env: { NOTIFY_SOCKET: `@${name}` },
        reject: false,
      });
      expect(sender.exitCode, String(sender.stderr)).toBe(0);
      expect(JSON.parse(String(sender.stdout))).toEqual({ sent: true });
      const got = await receiver;
      expect(got.exitCode, String(got.stderr)).toBe(0);
      expect(String(got.stdout)).toBe('bound\nREADY=1\nSTATUS=via @abstract MAINPID=1');
    } finally {
      receiver.kill();
    }
  });

  it('says no-socket (and sends nothing) without NOTIFY_SOCKET, through the real module', async () => {
    const script = `const { createNotifier } = await import(${JSON.stringify(NOTIFY_JS)});
      console.log(JSON.stringify(createNotifier({ env: process.env }).ready()));`;
    const r = await execa(process.execPath, ['--input-type=module', '-e', script], { env: { NOTIFY_SOCKET: '' }, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(JSON.parse(String(r.stdout))).toEqual({ sent: false, reason: 'no-socket' });
  });
});
