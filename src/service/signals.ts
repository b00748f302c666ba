/**
 * The service's stop signals. They are installed first, so a SIGTERM during start-up is
 * kept and replayed once the drain exists: the service still drains cleanly.
 */
import type { SignalSource } from '../runtime.js';

/** Stop signals, buffered until a handler is routed. */
export interface StopSignals {
  /** Signals received before {@link StopSignals.route}, in order. */
  early(): readonly string[];
  /** Send every later signal to `handler`, and replay the early ones to it. */
  route(handler: (signal: string) => void): void;
  /** Remove the listeners. */
  uninstall(): void;
}

/** Listen for SIGTERM and SIGINT, buffering them until routed. */
export function listenForStop(signals: SignalSource): StopSignals {
  const early: string[] = [];
  let handler: ((signal: string) => void) | null = null;
  const removers = (['SIGTERM', 'SIGINT'] as const).map((name) =>
    signals.on(name, (sig) => {
      if (handler) handler(sig);
      else early.push(sig);
    }),
  );
  return {
    early: () => early,
    route(next) {
      handler = next;
      for (const sig of early) next(sig);
    },
    uninstall() {
      for (const remove of removers) remove();
    },
  };
}
