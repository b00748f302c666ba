// /proc/PID/stat parsing, byte for byte, including command names with spaces and parentheses.
import { describe, expect, it } from 'vitest';
import { isAlive, isDeadState, parseProcStat, processStartTime, readProcStat } from '../../src/supervisor/proc.js';

const STAT =
  '4242 (sleep) S 4200 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 2347008 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n';

describe('parseProcStat', () => {
  it('reads pid, comm, state, ppid, pgrp and the start time (field 22)', () => {
    expect(parseProcStat(STAT)).toEqual({ pid: 4242, comm: 'sleep', state: 'S', ppid: 4200, pgrp: 4242, startTime: 987654 });
  });

  it('keeps spaces and parentheses inside the command name', () => {
    const text = STAT.replace('(sleep) S', '(a) b (Z) c) Z');
    expect(parseProcStat(text)).toMatchObject({ comm: 'a) b (Z) c', state: 'Z', ppid: 4200, startTime: 987654 });
  });

  it('returns null for text in the wrong shape', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('12 sleep S 1 2')).toBeNull();
    expect(parseProcStat('12 (sleep) S 1 2')).toBeNull();
    expect(parseProcStat('x (sleep) S 4200 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654')).toBeNull();
  });
});

describe('liveness', () => {
  it('treats Z and X as dead states', () => {
    expect(['Z', 'X', 'x'].map(isDeadState)).toEqual([true, true, true]);
    expect(['R', 'S', 'D', 'T', 't', 'I'].map(isDeadState)).toEqual([false, false, false, false, false, false]);
  });

  it('this process is alive and has a start time; nonsense PIDs are not', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(processStartTime(process.pid)).toBe(readProcStat(process.pid)?.startTime);
    for (const pid of [0, -1, 1.5, Number.NaN, 2 ** 22 + 17]) {
      expect(isAlive(pid)).toBe(false);
      expect(processStartTime(pid)).toBeNull();
    }
  });
});
