/**
 * A task's time limits outside the supervisor: container mode cannot let the supervisor's own
 * timeouts fire (they would stop the `docker exec` client and leave the agent running in the
 * container), so the container runner watches `timeout_ms` and `no_output_timeout_ms` here and,
 * when one passes, runs the orphan guard on the in-container process group itself.
 */
import type { Timers } from '../timers.js';

/** Which limit passed. */
export type LimitKind = 'timeout' | 'no-output-timeout';

/** Options of {@link watchLimits}. */
export interface WatchLimitsOptions {
  /** Overall limit in ms, or null. */
  timeoutMs: number | null;
  /** Limit on silence in ms, or null. */
  noOutputTimeoutMs: number | null;
  /** The timer source (fake in tests). */
  timers: Timers;
  /** Called once, with the first limit that passed. */
  onLimit: (kind: LimitKind) => void;
}

/** A running watch: report output, stop it, read what fired. */
export interface LimitWatch {
  /** Output arrived: the silence limit starts again. */
  activity(): void;
  /** Cancel every timer (the task ended). */
  stop(): void;
  /** The limit that passed, or null. */
  fired(): LimitKind | null;
}

/** Start watching the limits of one task. */
export function watchLimits(options: WatchLimitsOptions): LimitWatch {
  const { timers } = options;
  let fired: LimitKind | null = null;
  let stopped = false;
  let overall: unknown = null;
  let silence: unknown = null;
  const fire = (kind: LimitKind) => {
    if (fired !== null || stopped) return;
    fired = kind;
    stop();
    options.onLimit(kind);
  };
  const armSilence = () => {
    if (options.noOutputTimeoutMs === null) return;
    if (silence !== null) timers.clearTimeout(silence);
    silence = timers.setTimeout(() => fire('no-output-timeout'), options.noOutputTimeoutMs);
  };
  const stop = () => {
    stopped = true;
    if (overall !== null) timers.clearTimeout(overall);
    if (silence !== null) timers.clearTimeout(silence);
    overall = silence = null;
  };
  if (options.timeoutMs !== null) overall = timers.setTimeout(() => fire('timeout'), options.timeoutMs);
  armSilence();
  return {
    activity: () => {
      if (!stopped) armSilence();
    },
    stop,
    fired: () => fired,
  };
}
