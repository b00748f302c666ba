/**
 * Signal a child's whole process group, but only while it is still ours: a reused PID is never
 * signalled. See kill(2) and credentials(7) on process groups.
 */
import { liveGroupMembers, processGroupExists, readProcStat } from './proc.js';

/** What became of a signal sent to a process group. */
export type GroupSignalResult = 'sent' | 'gone' | 'not-ours';

/**
 * Whether process group `pgid` (led by our child, whose start time was `startTime` at spawn)
 * is still ours. If the leader PID exists, its start time must match (otherwise the PID was
 * reused, and our group, which kept that PID allocated while it existed, is gone). If the
 * leader is gone, the kernel does not hand out a PID still used as a group id, so any
 * remaining member of `pgid` belongs to our tree; a group left with only zombies counts as gone.
 * Without a recorded start time (no /proc), only `unreaped` (our child has not been reaped
 * yet, so its PID cannot have been reused) makes the leader ours.
 */
export function groupOwnership(pgid: number, startTime: number | null, unreaped = false): GroupSignalResult {
  const leader = readProcStat(pgid);
  if (startTime === null && unreaped) return 'sent';
  if (leader !== null) return startTime !== null && leader.startTime === startTime ? 'sent' : 'not-ours';
  return processGroupExists(pgid) && liveGroupMembers(pgid).length > 0 ? 'sent' : 'gone';
}

/** Send `signal` to every process of group `pgid` after confirming it is still ours (see {@link groupOwnership}). */
export function signalGroup(pgid: number, startTime: number | null, signal: NodeJS.Signals, unreaped = false): GroupSignalResult {
  const owner = groupOwnership(pgid, startTime, unreaped);
  if (owner !== 'sent') return owner;
  try {
    process.kill(-pgid, signal);
    return 'sent';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'not-ours';
  }
}
