/**
 * `max_output_bytes`: an agent that writes more keeps running, but what the task row stores is
 * cut to the last `max` bytes, after a marker line that says so.
 */
import type { TaskEnd } from '../tasks/store.js';
import { cutMarker } from '../tasks/output-log.js';

/** Counts the bytes an agent wrote on stdout and stderr. */
export class OutputCounter {
  /** Bytes so far. */
  bytes = 0;
  /** Count one chunk (UTF-8). */
  add(chunk: string): void {
    this.bytes += Buffer.byteLength(chunk, 'utf8');
  }
}

/** The last `max` bytes of `text`, never splitting a UTF-8 character. */
export function lastBytes(text: string, max: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= max) return text;
  let start = buffer.length - max;
  while (start < buffer.length && ((buffer[start] ?? 0) & 0xc0) === 0x80) start += 1;
  return buffer.subarray(start).toString('utf8');
}

/** `end` with its output cut when the agent wrote more than `max` bytes (null: no limit). */
export function capOutput(end: TaskEnd, written: number, max: number | null): TaskEnd {
  if (max === null || written <= max) return end;
  return { ...end, output: `${cutMarker(written, max, 'the last bytes up to it follow')}${lastBytes(end.output ?? '', max)}` };
}
