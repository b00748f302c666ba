/** Flush writable streams (stdout, stderr, a log file) before the process exits. */
import type { Writable } from 'node:stream';

/** Resolve once everything written so far to each stream has been handed to the OS (errors are ignored). */
export function flushStreams(streams: readonly Writable[]): Promise<void> {
  return Promise.all(
    streams.map(
      (stream) =>
        new Promise<void>((resolve) => {
          if (stream.destroyed || stream.writableEnded) {
            resolve();
            return;
          }
          stream.write('', () => resolve());
        }),
    ),
  ).then(() => undefined);
}
