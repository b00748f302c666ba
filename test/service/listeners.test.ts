// Which passed fds serve adopts, and how it tells a TCP fd from a unix one (/proc, faked here).
import { describe, expect, it } from 'vitest';
import { fdKind, isHttpListener, type ProcReader } from '../../src/service/listeners.js';
import { isHooksError } from '../../src/errors.js';

const UNIX_TABLE = `Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 5551 /run/user/0/hooks.sock
0000000000000000: 00000003 00000000 00000000 0001 03 5552
`;
const proc = (links: Record<number, string>): ProcReader => ({
  fdLink: (fd) => links[fd] ?? '/dev/null',
  unixTable: () => UNIX_TABLE,
});

describe('adopting listeners', () => {
  it('adopts fds named http, unknown or after their socket unit, not others', () => {
    expect(isHttpListener({ fd: 3, name: 'http' })).toBe(true);
    expect(isHttpListener({ fd: 3, name: 'unknown' })).toBe(true);
    expect(isHttpListener({ fd: 3, name: 'claude-hooks.socket' })).toBe(true);
    expect(isHttpListener({ fd: 4, name: 'stored-state' })).toBe(false);
  });

  it('tells a unix socket (its inode in /proc/net/unix) from a TCP one', () => {
    const p = proc({ 3: 'socket:[777]', 4: 'socket:[5551]' });
    expect(fdKind(3, p)).toBe('tcp');
    expect(fdKind(4, p)).toBe('unix');
  });

  it('refuses an fd that is not a socket (exit 78)', () => {
    let caught: unknown;
    try {
      fdKind(5, proc({}));
    } catch (error) {
      caught = error;
    }
    expect(isHooksError(caught, 'hooks.serve.listen_fds')).toBe(true);
    expect((caught as { exitCode: number }).exitCode).toBe(78);
  });
});
