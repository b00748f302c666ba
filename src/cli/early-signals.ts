/**
 * Signals that arrive while `serve` is still loading (before the service subscribes) are
 * remembered and replayed to the first subscriber, so a stop before READY still drains
 * cleanly instead of killing the process mid-start. Only the CLI entry installs this.
 */

/** Remember SIGTERM/SIGINT until the returned source's first subscriber takes them. */
export function bufferEarlySignals(signals: readonly NodeJS.Signals[]): {
  take(signal: NodeJS.Signals): NodeJS.Signals[];
  release(): void;
} {
  const seen: NodeJS.Signals[] = [];
  const record = (s: NodeJS.Signals) => {
    seen.push(s);
  };
  for (const s of signals) process.on(s, record);
  const release = () => {
    for (const s of signals) process.off(s, record);
  };
  return {
    take(signal) {
      release();
      return seen.filter((s) => s === signal);
    },
    release,
  };
}
