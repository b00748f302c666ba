// Run-option validation (messages name the option) and the child's environment.
import { describe, expect, it } from 'vitest';
import { supervisedEnv, validateRunOptions } from '../../src/supervisor/options.js';
import { notStarted, outcomeKind } from '../../src/supervisor/outcome.js';

describe('validateRunOptions', () => {
  it('accepts good options', () => {
    expect(validateRunOptions({ command: ['true'], graceMs: 0, timeoutMs: 10, noOutputTimeoutMs: 5, waitDelayMs: 0 })).toBeNull();
  });

  it('names each bad option in a typed error', () => {
    const error = validateRunOptions({ command: [], graceMs: -1, timeoutMs: Number.NaN, waitDelayMs: 2 ** 31 });
    expect(error).toMatchObject({ code: 'hooks.supervisor.invalid-option', exitCode: 2 });
    expect(error?.message).toContain('`command`');
    expect(error?.message).toContain('`graceMs`');
    expect(error?.message).toContain('`timeoutMs`');
    expect(error?.message).toContain('`waitDelayMs`');
    expect(error?.details['problems']).toHaveLength(4);
  });

  it('rejects an empty program name and a missing grace', () => {
    expect(validateRunOptions({ command: [''], graceMs: 1 })?.message).toContain('`command`');
    expect(validateRunOptions({ command: ['x'] } as unknown as { command: string[]; graceMs: number })?.message).toContain('`graceMs`');
  });
});

describe('supervisedEnv', () => {
  it('inherits the parent env and adds the worker-guard opt-in when no env is given', () => {
    expect(supervisedEnv(undefined)).toEqual({ env: { HOOKS_WORKER_GUARD: '1' }, extendEnv: true });
  });

  it('uses exactly the given env, where an explicit opt-in value wins', () => {
    expect(supervisedEnv({ PATH: '/bin' })).toEqual({ env: { HOOKS_WORKER_GUARD: '1', PATH: '/bin' }, extendEnv: false });
    expect(supervisedEnv({ HOOKS_WORKER_GUARD: '0' }).env).toEqual({ HOOKS_WORKER_GUARD: '0' });
  });
});

describe('outcomeKind', () => {
  it('lets the trigger win over how the child ended', () => {
    expect(outcomeKind({ type: 'timeout' }, 0, null)).toEqual({ type: 'timeout' });
    expect(outcomeKind({ type: 'cancelled', reason: 'r' }, null, 'SIGKILL')).toEqual({ type: 'cancelled', reason: 'r' });
  });

  it('reports a signal, else the exit code', () => {
    expect(outcomeKind(null, null, 'SIGSEGV')).toEqual({ type: 'signaled', signal: 'SIGSEGV' });
    expect(outcomeKind(null, 3, null)).toEqual({ type: 'exited', code: 3 });
  });

  it('builds a not-started outcome', () => {
    expect(notStarted({ type: 'spawn-failed', error: 'ENOENT' }, 2)).toMatchObject({
      type: 'spawn-failed',
      error: 'ENOENT',
      pid: null,
      forced: false,
      phases: { runMs: 0, graceMs: null, waitDelayMs: null, totalMs: 2 },
    });
  });
});
