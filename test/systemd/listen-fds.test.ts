// sd_listen_fds(3) parsing: fds from 3 with their names, another process's fds ignored, malformed values refused (exit 78).
import { describe, expect, it } from 'vitest';
import { parseListenFds, withoutListenEnv } from '../../src/systemd/listen/listen-fds.js';
import { isHooksError } from '../../src/errors.js';

describe('parseListenFds', () => {
  it('is not-set without LISTEN_FDS or LISTEN_PID', () => {
    expect(parseListenFds({}, 42)).toEqual({ passed: false, reason: 'not-set' });
    expect(parseListenFds({ LISTEN_FDS: '1' }, 42)).toEqual({ passed: false, reason: 'not-set' });
    expect(parseListenFds({ LISTEN_PID: '42' }, 42)).toEqual({ passed: false, reason: 'not-set' });
  });

  it('ignores fds meant for another process (inherited LISTEN_PID)', () => {
    expect(parseListenFds({ LISTEN_FDS: '2', LISTEN_PID: '41', LISTEN_FDNAMES: 'http:http' }, 42)).toEqual({
      passed: false,
      reason: 'other-pid',
    });
  });

  it('numbers the fds from 3 and pairs them with LISTEN_FDNAMES', () => {
    expect(parseListenFds({ LISTEN_FDS: '2', LISTEN_PID: '42', LISTEN_FDNAMES: 'http:stored' }, 42)).toEqual({
      passed: true,
      fds: [
        { fd: 3, name: 'http' },
        { fd: 4, name: 'stored' },
      ],
    });
  });

  it('names every fd "unknown" without LISTEN_FDNAMES', () => {
    expect(parseListenFds({ LISTEN_FDS: '1', LISTEN_PID: '42' }, 42)).toEqual({ passed: true, fds: [{ fd: 3, name: 'unknown' }] });
  });

  it.each([
    [{ LISTEN_FDS: 'two', LISTEN_PID: '42' }],
    [{ LISTEN_FDS: '1', LISTEN_PID: 'me' }],
    [{ LISTEN_FDS: '-1', LISTEN_PID: '42' }],
    [{ LISTEN_FDS: '2', LISTEN_PID: '42', LISTEN_FDNAMES: 'http' }],
  ])('refuses %j with hooks.serve.listen_fds, exit 78', (env) => {
    let caught: unknown;
    try {
      parseListenFds(env, 42);
    } catch (error) {
      caught = error;
    }
    expect(isHooksError(caught, 'hooks.serve.listen_fds')).toBe(true);
    expect((caught as { exitCode: number }).exitCode).toBe(78);
  });

  it('withoutListenEnv drops the three variables and keeps the rest', () => {
    const env = { LISTEN_FDS: '1', LISTEN_PID: '42', LISTEN_FDNAMES: 'http', PATH: '/bin', NOTIFY_SOCKET: '/run/n' };
    expect(withoutListenEnv(env)).toEqual({ PATH: '/bin', NOTIFY_SOCKET: '/run/n' });
    expect(env.LISTEN_FDS).toBe('1');
  });
});
