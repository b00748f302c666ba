// outcomeToEnd: how each supervisor outcome ends the task row, and the bounded output.
import { describe, expect, it } from 'vitest';
import { outcomeToEnd } from '../../src/runners/outcome-to-end.js';
import { outcome } from './runner-fixtures.js';

describe('outcomeToEnd', () => {
  it('exit 0 → succeeded, no reason', () => {
    expect(outcomeToEnd(outcome({ type: 'exited', code: 0 }, { stdoutTail: 'ok\n' }), null)).toEqual({
      status: 'succeeded',
      reason: null,
      exitCode: 0,
      output: 'ok\n',
    });
  });

  it('a non-zero exit → failed, exit-code, with the code', () => {
    expect(outcomeToEnd(outcome({ type: 'exited', code: 3 }), null)).toEqual({
      status: 'failed',
      reason: 'exit-code',
      exitCode: 3,
      output: null,
    });
  });

  it('killed by a signal (not ours) → failed, signal:<name>, no exit code', () => {
    expect(outcomeToEnd(outcome({ type: 'signaled', signal: 'SIGSEGV' }), null)).toEqual({
      status: 'failed',
      reason: 'signal:SIGSEGV',
      exitCode: null,
      output: null,
    });
  });

  it.each(['timeout', 'no-output-timeout'] as const)(
    '%s → failed with that reason, keeping an exit code the child gave after SIGTERM',
    (type) => {
      expect(outcomeToEnd(outcome({ type }, { exitCode: 143 }), null)).toEqual({
        status: 'failed',
        reason: type,
        exitCode: 143,
        output: null,
      });
      expect(outcomeToEnd(outcome({ type }, { exitCode: null, exitSignal: 'SIGKILL', forced: true }), null)).toMatchObject({
        status: 'failed',
        reason: type,
        exitCode: null,
      });
    },
  );

  it.each(['shutdown', 'user'])('cancelled by the supervisor (abort reason %s) → cancelled with that reason', (reason) => {
    expect(outcomeToEnd(outcome({ type: 'cancelled', reason }, { exitCode: 0 }), null)).toEqual({
      status: 'cancelled',
      reason,
      exitCode: 0,
      output: null,
    });
  });

  it('spawn failure → failed, spawn-failed, the error as output', () => {
    expect(outcomeToEnd(outcome({ type: 'spawn-failed', error: 'spawn nope ENOENT' }, { pid: null }), null)).toEqual({
      status: 'failed',
      reason: 'spawn-failed',
      exitCode: null,
      output: 'spawn nope ENOENT',
    });
  });

  it('an abort reason overrides how the child ended: cancelled with that reason, the exit code kept', () => {
    expect(outcomeToEnd(outcome({ type: 'exited', code: 143 }, { stdoutTail: 'bye' }), 'shutdown')).toEqual({
      status: 'cancelled',
      reason: 'shutdown',
      exitCode: 143,
      output: 'bye',
    });
    expect(outcomeToEnd(outcome({ type: 'exited', code: 0 }), 'user')).toMatchObject({ status: 'cancelled', reason: 'user', exitCode: 0 });
    expect(outcomeToEnd(outcome({ type: 'signaled', signal: 'SIGKILL' }), 'shutdown')).toMatchObject({
      status: 'cancelled',
      reason: 'shutdown',
      exitCode: null,
    });
  });

  describe('output', () => {
    const out = (stdoutTail: string, stderrTail: string) =>
      outcomeToEnd(outcome({ type: 'exited', code: 0 }, { stdoutTail, stderrTail }), null).output;

    it('is null when there was none, and stdout alone when stderr is blank', () => {
      expect(out('', '')).toBeNull();
      expect(out('', ' \n\t')).toBeNull();
      expect(out('hello', '  \n')).toBe('hello');
    });

    it('appends stderr under a separator line, adding a newline only when stdout lacks one', () => {
      expect(out('a\n', 'oops\n')).toBe('a\n--- stderr ---\noops\n');
      expect(out('a', 'oops')).toBe('a\n--- stderr ---\noops');
      expect(out('', 'oops')).toBe('--- stderr ---\noops');
    });

    it('keeps the last 8192 characters', () => {
      const text = out('x'.repeat(9000) + 'END', '');
      expect(text).toHaveLength(8192);
      expect(text?.endsWith('xEND')).toBe(true);
      const mixed = out('o'.repeat(5000), 'e'.repeat(5000));
      expect(mixed).toHaveLength(8192);
      expect(mixed?.endsWith('e'.repeat(5000))).toBe(true);
      expect(mixed).toContain('--- stderr ---\n');
      expect(out('y'.repeat(8192), '')).toHaveLength(8192);
    });
  });
});
