/** The real outside world for the CLI: process env, signals, stdio and exit. Only src/cli/ wires this. */
import { systemClock, type Runtime } from '../runtime.js';

/** Signals received before the first subscriber (see early-signals.ts). */
export interface EarlySignals {
  take(signal: NodeJS.Signals): NodeJS.Signals[];
}

/** A reader that went away (`hooksctl … | head`) ends the output, not the process with a crash. */
function quietOnEpipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** Build the real {@link Runtime} from the current process. */
export function realRuntime(early?: EarlySignals): Runtime {
  quietOnEpipe(process.stdout);
  quietOnEpipe(process.stderr);
  return {
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
    signals: {
      on(signal, handler) {
        process.on(signal, handler);
        for (const s of early?.take(signal) ?? []) setImmediate(() => handler(s));
        return () => { process.off(signal, handler); };
      },
    },
    exit: (code) => process.exit(code),
    stdout: { write: (s) => { process.stdout.write(s); }, isTTY: process.stdout.isTTY },
    stderr: { write: (s) => { process.stderr.write(s); }, isTTY: process.stderr.isTTY },
  };
}
