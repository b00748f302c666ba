/**
 * Process liveness from /proc (proc(5)): parse `/proc/PID/stat`, tell a zombie from a live
 * process, and read the start time that tells our process from a later one with a reused PID.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of `/proc/PID/stat` the supervisor uses. */
export interface ProcStat {
  /** Field 1: the process id. */
  pid: number;
  /** Field 2: the command name, without its parentheses. */
  comm: string;
  /** Field 3: the state letter (`R`, `S`, `D`, `Z`, `X`, ...). */
  state: string;
  /** Field 4: the parent process id. */
  ppid: number;
  /** Field 5: the process group id. */
  pgrp: number;
  /** Field 22: the start time, in clock ticks after boot. */
  startTime: number;
}

/** Parse the text of `/proc/PID/stat`; null when it is not in the expected shape. */
export function parseProcStat(text: string): ProcStat | null {
  // comm may hold spaces and parentheses: it runs from the first '(' to the LAST ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const [state, ppid, pgrp, startTime] = [rest[0], Number(rest[1]), Number(rest[2]), Number(rest[19])];
  if (!Number.isInteger(pid) || state === undefined || state === '' || ![ppid, pgrp, startTime].every(Number.isInteger)) return null;
  return { pid, comm: text.slice(open + 1, close), state, ppid, pgrp, startTime };
}

/** Read and parse `/proc/PID/stat`; null when the process does not exist (or /proc is unreadable). */
export function readProcStat(pid: number): ProcStat | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** True when a stat state letter means the process has ended (zombie `Z` or dead `X`). */
export function isDeadState(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

/**
 * True when `pid` names a running process. A zombie (`State: Z`) or a dying process (`X`)
 * counts as dead: it has exited and only waits to be reaped.
 */
export function isAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && !isDeadState(stat.state);
}

/**
 * The start time of `pid` (field 22 of `/proc/PID/stat`, clock ticks after boot), or null when
 * there is no such process. Record it at spawn; a different value later means the PID was reused.
 */
export function processStartTime(pid: number): number | null {
  return readProcStat(pid)?.startTime ?? null;
}

/** True when some process is in process group `pgid` (kill(2) with signal 0; EPERM still means it exists). */
export function processGroupExists(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PIDs of the live (not zombie) processes in group `pgid`, found by scanning /proc. */
export function liveGroupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat !== null && stat.pgrp === pgid && !isDeadState(stat.state)) members.push(stat.pid);
  }
  return members;
}
