/** The real outside world for the CLI: process env, signals, stdio and exit. Only src/cli/ wires this. */
import { systemClock, type Runtime } from '../runtime.js';

/** Signals received before the first subscriber (see early-signals.ts); given only for `serve`. */
export interface EarlySignals {
  take(signal: NodeJS.Signals): NodeJS.Signals[];
}

/**
 * A reader that went away (`hooksctl … | head`) ends a print-and-exit command quietly instead of
 * crashing it. A long-running `serve` ignores it: its journal logging goes on, and exiting
 * would orphan its tasks.
 */
function onEpipe(stream: NodeJS.WriteStream, exit: boolean): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    if (exit) process.exit(process.exitCode ?? 0);
  });
}

/**
 * stdout or stderr for the Runtime, opened on first use: Node builds a stdio stream (a socket, a
 * tty or a file writer, with their modules) when it is first touched, and a verb that prints
 * nothing for a while (validate-unit before its children start) need not wait for it. The EPIPE
 * handler comes with the first use, so output written past the Runtime (a Node warning) before
 * that has none: all of the CLI's own output goes through the Runtime.
 */
function lazyStdio(open: () => NodeJS.WriteStream, exitOnEpipe: boolean): Runtime['stdout'] {
  let stream: NodeJS.WriteStream | undefined;
  const get = (): NodeJS.WriteStream => {
    if (stream === undefined) {
      stream = open();
      onEpipe(stream, exitOnEpipe);
    }
    return stream;
  };
  return {
    write: (s) => {
      get().write(s);
    },
    get isTTY() {
      return get().isTTY;
    },
  };
}

/** Build the real {@link Runtime} from the current process. */
export function realRuntime(early?: EarlySignals): Runtime {
  const exitOnEpipe = early === undefined; // a long-running serve keeps going
  return {
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
    signals: {
      on(signal, handler) {
        process.on(signal, handler);
        for (const s of early?.take(signal) ?? []) setImmediate(() => handler(s));
        return () => {
          process.off(signal, handler);
        };
      },
    },
    exit: (code) => process.exit(code),
    stdout: lazyStdio(() => process.stdout, exitOnEpipe),
    stderr: lazyStdio(() => process.stderr, exitOnEpipe),
  };
}
