// flushStreams: resolves once what was written has been handed on.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { flushStreams } from '../../src/worker/flush.js';

/** A writable that records chunks after a delay, like a slow pipe. */
function slowSink(seen: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      setTimeout(() => {
        seen.push(chunk.toString());
        done();
      }, 20);
    },
  });
}

describe('flushStreams', () => {
  it('waits until earlier writes have been handed on', async () => {
    const seen: string[] = [];
    const sink = slowSink(seen);
    sink.write('one');
    sink.write('two');
    await flushStreams([sink]);
    expect(seen.filter((c) => c !== '')).toEqual(['one', 'two']);
  });

  it('resolves at once for ended or destroyed streams', async () => {
    const ended = slowSink([]);
    ended.end();
    const destroyed = slowSink([]);
    destroyed.destroy();
    await expect(flushStreams([ended, destroyed])).resolves.toBeUndefined();
  });
});
