/**
 * The full output of each task, one file per task under `<data dir>/logs/`: written as the agent
 * prints (stdout and stderr interleaved as they arrive), cut after `max_output_bytes` with a
 * marker, served by `GET /tasks/:id/output`, and pruned by age and total size. The task row keeps
 * only a tail, for quick views.
 */
import { closeSync, openSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Task IDs that may name a log file (the store's UUIDs, and the container runner's pattern). */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The marker line of a cut output: how much the agent wrote, the limit, and what follows. */
export function cutMarker(written: number, max: number, after: string): string {
  return `[hooksctl: output cut: the agent wrote ${written} bytes, max_output_bytes is ${max}; ${after}]\n`;
}

/** The log file of `taskId` in `dir`, or null when the ID cannot name a file. */
export function taskLogPath(dir: string, taskId: string): string | null {
  return TASK_ID.test(taskId) ? join(dir, `${taskId}.log`) : null;
}

/** One task's log, open for appending. */
export interface TaskLog {
  /** Append a chunk (dropped past the cut, after the marker). */
  write(chunk: string): void;
  /** Close the file. Idempotent. */
  close(): void;
}

/** A log that writes nothing (no data directory, or the file could not be opened). */
export const NO_LOG: TaskLog = { write: () => undefined, close: () => undefined };

/**
 * Open the log of `taskId` for appending (a retried attempt appends to its own new ID's file).
 * Never throws: a log that cannot be opened or written stops logging, the task runs on.
 */
export function openTaskLog(dir: string, taskId: string, maxBytes: number | null): TaskLog {
  const path = taskLogPath(dir, taskId);
  if (path === null) return NO_LOG;
  let fd: number | null;
  try {
    fd = openSync(path, 'a', 0o600);
  } catch {
    return NO_LOG;
  }
  let written = 0;
  let cut = false;
  const put = (text: string) => {
    if (fd === null) return;
    try {
      writeSync(fd, text);
    } catch {
      closeQuietly(fd);
      fd = null;
    }
  };
  return {
    write(chunk) {
      if (cut || fd === null) return;
      const bytes = Buffer.byteLength(chunk, 'utf8');
      if (maxBytes !== null && written + bytes > maxBytes) {
        const room = maxBytes - written;
        put(Buffer.from(chunk, 'utf8').subarray(0, room).toString('utf8'));
        put(`\n[hooksctl: output cut at max_output_bytes=${maxBytes}; the rest is not stored]\n`);
        written = maxBytes;
        cut = true;
        return;
      }
      written += bytes;
      put(chunk);
    },
    close() {
      if (fd !== null) closeQuietly(fd);
      fd = null;
    },
  };
}

// Close a descriptor, ignoring errors (the log is best effort).
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to do: the file is gone or the fd was already closed.
  }
}

/** How long logs are kept, and how much space they may take together. */
export interface PruneLimits {
  /** Logs older than this (by modification time) are removed, in ms. */
  maxAgeMs: number;
  /** The newest logs are kept up to this many bytes in total; older ones are removed. */
  maxTotalBytes: number;
  /** Now, in ms since the epoch (injected clock). */
  now: number;
}

/** Remove logs past the age limit, then the oldest until the total fits; returns the removed file names. Never throws. */
export function pruneTaskLogs(dir: string, limits: PruneLimits): string[] {
  let files: { name: string; mtime: number; size: number }[];
  try {
    files = readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .flatMap((name) => {
        try {
          const s = statSync(join(dir, name));
          return s.isFile() ? [{ name, mtime: s.mtimeMs, size: s.size }] : [];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
  files.sort((a, b) => b.mtime - a.mtime);
  const removed: string[] = [];
  let total = 0;
  for (const f of files) {
    total += f.size;
    if (limits.now - f.mtime > limits.maxAgeMs || total > limits.maxTotalBytes) {
      try {
        unlinkSync(join(dir, f.name));
        removed.push(f.name);
      } catch {
        // A file removed meanwhile, or not ours to remove: leave it.
      }
    }
  }
  return removed;
}
