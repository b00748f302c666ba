// The systemctl steps install-unit runs after writing a unit (systemctl enable --now semantics), and a failed step stopping the rest.
import { describe, expect, it } from 'vitest';
import { activationSteps, runActivation } from '../../src/systemd/unit/activate.js';
import type { CommandResult } from '../../src/systemd/systemctl.js';

describe('activationSteps', () => {
  it.each([
    [{ reload: true, enable: true, now: true }, [['daemon-reload'], ['enable', '--now', 'x.service']]],
    [{ reload: true, enable: true, now: false }, [['daemon-reload'], ['enable', 'x.service']]],
    [{ reload: true, enable: false, now: true }, [['daemon-reload'], ['restart', 'x.service']]],
    [{ reload: true, enable: false, now: false }, [['daemon-reload']]],
    [{ reload: false, enable: false, now: false }, []],
  ])('%j runs %j', (request, args) => {
    expect(activationSteps('x.service', request).map((s) => s.args)).toEqual(args);
  });

  it.each([
    [{ reload: true, enable: true, now: true }, [['daemon-reload'], ['enable', '--now', 'x.socket', 'x.service']]],
    [{ reload: false, enable: true, now: false }, [['enable', 'x.socket', 'x.service']]],
    // --now alone starts the socket and restarts only the service: the socket keeps its listener.
    [{ reload: true, enable: false, now: true }, [['daemon-reload'], ['start', 'x.socket'], ['restart', 'x.service']]],
  ])('with a socket unit, %j acts on both units', (request, args) => {
    expect(activationSteps('x.service', request, { socket: 'x.socket' }).map((s) => s.args)).toEqual(args);
  });

  it('hands the port over: stops a service that runs without its socket before starting the socket (with --now only)', () => {
    const pair = { socket: 'x.socket', handOver: true };
    expect(activationSteps('x.service', { reload: true, enable: true, now: true }, pair).map((s) => s.args)).toEqual([
      ['daemon-reload'],
      ['stop', 'x.service'],
      ['enable', '--now', 'x.socket', 'x.service'],
    ]);
    expect(activationSteps('x.service', { reload: false, enable: true, now: false }, pair).map((s) => s.args)).toEqual([
      ['enable', 'x.socket', 'x.service'],
    ]);
  });

  it('stops and disables a stale socket first, before the daemon-reload', () => {
    expect(activationSteps('x.service', { reload: true, enable: false, now: false }, { staleSocket: 'x.socket' })).toEqual([
      { name: 'disable --now x.socket', args: ['disable', '--now', 'x.socket'] },
      { name: 'daemon-reload', args: ['daemon-reload'] },
    ]);
  });
});

describe('runActivation', () => {
  const manager = { scope: 'user' as const, env: {} };
  it('stops at the first failed step and lists what did not run', async () => {
    const calls: string[][] = [];
    const run = async (args: readonly string[]): Promise<CommandResult> => {
      calls.push([...args]);
      return args[0] === 'daemon-reload'
        ? { exitCode: 1, stdout: '', stderr: 'Failed to connect to bus\n' }
        : { exitCode: 0, stdout: '', stderr: '' };
    };
    const outcome = await runActivation(activationSteps('x.service', { reload: true, enable: true, now: true }), manager, run);
    expect(calls).toEqual([['daemon-reload']]);
    expect(outcome).toMatchObject({
      ran: [],
      failed: { step: 'daemon-reload', exitCode: 1, stderr: 'Failed to connect to bus' },
      notRun: [{ name: 'enable --now' }],
    });
  });

  it('runs every step when they succeed', async () => {
    const outcome = await runActivation(activationSteps('x.service', { reload: true, enable: false, now: true }), manager, async () => ({
      exitCode: 0,
      stdout: '',
      stderr: '',
    }));
    expect(outcome).toEqual({ ran: ['daemon-reload', 'restart'], failed: null, notRun: [] });
  });
});
