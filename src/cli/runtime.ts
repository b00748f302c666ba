/** The real outside world for the CLI: process env, signals, stdio and exit. Only src/cli/ wires this. */
import { systemClock, type Runtime } from '../runtime.js';

/** Signals received before the first subscriber (see early-signals.ts). */
export interface EarlySignals {
  take(signal: NodeJS.Signals): NodeJS.Signals[];
}

/** Build the real {@link Runtime} from the current process. */
export function realRuntime(early?: EarlySignals): Runtime {
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
