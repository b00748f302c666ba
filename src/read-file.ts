/**
 * Reading operator-supplied files (configs, unit files) safely: regular files and pipes only
 * (`/dev/zero` or a tty would never end), and only up to a size limit. A pipe is read like
 * `cat` reads it (`cat x.service | hooksctl validate-unit /dev/stdin` works).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The largest config or unit file hooksctl reads (16 MiB). */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** An error with a `code`: the errno from the file system, or ENOTREG (a device or socket) / EFIFO (a pipe where none is read) / EFBIG (too large). */
export type ReadFileError = Error & { code: string };

/** How {@link readRegularFile} reads. */
export interface ReadOptions {
  /** The most it reads (default {@link MAX_INPUT_BYTES}). */
  maxBytes?: number;
  /**
   * Read a pipe as `cat` does (default true: a path the user named). False for a path hooksctl
   * found by itself (a unit's sibling .socket): a fifo there is refused (EFIFO) rather than read,
   * and the open does not wait for a writer.
   */
  pipes?: boolean;
}

/**
 * Read `path` (a regular file, or a pipe unless `pipes: false`) as UTF-8. Throws a {@link ReadFileError}:
 * the errno (ENOENT, EACCES, EISDIR…), `ENOTREG` for a device or socket, `EFIFO` for a pipe not read, `EFBIG` beyond `maxBytes`.
 */
export function readRegularFile(path: string, options: ReadOptions = {}): string {
  const { maxBytes = MAX_INPUT_BYTES, pipes = true } = options;
  // O_NONBLOCK: opening a fifo with no writer returns at once (a regular file ignores the flag).
  const fd = openSync(path, pipes ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw fail('EISDIR', `${path} is a directory`);
    if (stat.isFIFO() && !pipes) throw fail('EFIFO', `${path} is a fifo, not a file`);
    if (!stat.isFile() && !stat.isFIFO()) throw fail('ENOTREG', `${path} is not a regular file or a pipe`);
    if (stat.size > maxBytes) throw fail('EFBIG', `${path} is larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw fail('EFBIG', `${path} is larger than ${maxBytes} bytes`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

// An Error carrying a code, like the ones node:fs throws.
function fail(code: string, message: string): ReadFileError {
  return Object.assign(new Error(message), { code });
}

/** A short reason for a read failure: the code, explained for the two of ours. */
export function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTREG') return 'ENOTREG (a device or socket, not a file)';
  if (code === 'EFIFO') return 'EFIFO (a fifo, not a file)';
  if (code === 'EFBIG') return `EFBIG (larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB)`;
  return code ?? (error as Error | undefined)?.message ?? String(error);
}
