// The exit guard's logic with fakes (signals, exit, stderr, deadman); the real processes are in
// test/integration/supervisor-worker-guard.test.ts.
import { describe, expect, it } from 'vitest';
import { installExitGuard, signalExitCode, type ExitGuardOptions } from '../../src/worker/exit-guard.js';
import type { Deadman } from '../../src/worker/deadman.js';
import { isGuardEnabled } from '../../src/worker/opt-in.js';

/** A fake world for the guard: a signal source to fire, a recorded exit, stderr and deadman. */
function world(overrides: Partial<ExitGuardOptions> = {}) {
  const handlers = new Map<string, (s: NodeJS.Signals) => void>();
  const exits: number[] = [];
  const log: string[] = [];
  const deadmanCalls: string[] = [];
  const deadman: Deadman = {
    arm: (ms) => deadmanCalls.push(`arm ${ms}`),
    disarm: () => deadmanCalls.push('disarm'),
    close: () => deadmanCalls.push('close'),
  };
  let exited: () => void = () => undefined;
  const exitPromise = new Promise<void>((resolve) => {
    exited = resolve;
  });
  const options: ExitGuardOptions = {
    env: { HOOKS_WORKER_GUARD: '1' },
    signals: {
      on: (s, h) => {
        handlers.set(s, h);
        return () => {
          handlers.delete(s);
        };
      },
    },
    exit: (code) => {
      exits.push(code);
      exited();
    },
    stderr: {
      write: (t) => {
        log.push(t);
      },
    },
    deadman,
    activeResources: () => ['Timeout', 'TCPServerWrap'],
    ...overrides,
  };
  const uninstall = installExitGuard(options);
  const fire = (s: NodeJS.Signals): void => handlers.get(s)?.(s);
  return { handlers, exits, log, deadmanCalls, uninstall, fire, exitPromise };
}

describe('installExitGuard', () => {
  it('is a no-op without the opt-in env var', () => {
    const w = world({ env: {} });
    expect(w.handlers.size).toBe(0);
    expect(w.deadmanCalls).toEqual([]);
    expect(isGuardEnabled({ HOOKS_WORKER_GUARD: 'true' })).toBe(true);
    expect(isGuardEnabled({ HOOKS_WORKER_GUARD: '0' })).toBe(false);
  });

  it('on SIGTERM: arms the deadman, runs the cleanup, flushes, then exits 143', async () => {
    const order: string[] = [];
    const w = world({
      cleanup: async () => {
        order.push('cleanup');
        await new Promise((r) => setTimeout(r, 20));
      },
      flush: async () => {
        order.push('flush');
      },
      deadlineMs: 1000,
      flushTimeoutMs: 500,
    });
    expect([...w.handlers.keys()].sort()).toEqual(['SIGHUP', 'SIGTERM']);
    w.fire('SIGTERM');
    await w.exitPromise;
    expect(order).toEqual(['cleanup', 'flush']);
    expect(w.exits).toEqual([143]);
    expect(w.deadmanCalls).toEqual(['arm 2500']);
    expect(w.log.join('')).not.toContain('forcing exit');
  });

  it('exits 129 on SIGHUP, and a failing cleanup is logged, not fatal', async () => {
    const w = world({
      cleanup: () => {
        throw new Error('boom');
      },
    });
    w.fire('SIGHUP');
    await w.exitPromise;
    expect(w.exits).toEqual([129]);
    expect(w.log.join('')).toContain('cleanup failed: boom');
  });

  it('cuts a cleanup that never settles at its deadline, aborts its signal, logs what is still active', async () => {
    let seen: AbortSignal | undefined;
    const w = world({
      cleanup: (signal) => {
        seen = signal;
        return new Promise(() => undefined);
      },
      deadlineMs: 50,
      deadmanMs: 9999,
    });
    w.fire('SIGTERM');
    await w.exitPromise;
    expect(w.exits).toEqual([143]);
    expect(seen?.aborted).toBe(true);
    expect(w.deadmanCalls).toEqual(['arm 9999']);
    expect(w.log.join('')).toContain('cleanup did not finish within 50 ms; forcing exit 143; still active: Timeout, TCPServerWrap');
  });

  it('a second signal during the cleanup exits at once', async () => {
    const w = world({ cleanup: () => new Promise(() => undefined), deadlineMs: 60_000 });
    w.fire('SIGTERM');
    w.fire('SIGTERM');
    await w.exitPromise;
    expect(w.exits).toEqual([143]);
    expect(w.log.join('')).toContain('second signal SIGTERM during cleanup');
  });

  it('uninstall removes the listeners and stops the deadman', () => {
    const w = world();
    w.uninstall();
    expect(w.handlers.size).toBe(0);
    expect(w.deadmanCalls).toEqual(['disarm', 'close']);
  });

  it('maps signals to 128 + their number', () => {
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGHUP')).toBe(129);
    expect(signalExitCode('SIGINT')).toBe(130);
  });
});
