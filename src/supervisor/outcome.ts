/** The one typed result of a supervised run, and how it is assembled from what happened. */

/** How the run ended. */
export type OutcomeKind =
  | { type: 'exited'; code: number }
  | { type: 'signaled'; signal: string }
  | { type: 'timeout' }
  | { type: 'no-output-timeout' }
  | { type: 'cancelled'; reason: string }
  | { type: 'spawn-failed'; error: string };

/** The duration of each phase, in ms. */
export interface OutcomePhases {
  /** Spawn until the child exited or the escalation began. */
  runMs: number;
  /** SIGTERM until the child exited or SIGKILL was sent; null when no SIGTERM was sent. */
  graceMs: number | null;
  /** The wait for the pipes after the child exited or was killed; null when never reached. */
  waitDelayMs: number | null;
  /** Spawn until the outcome. */
  totalMs: number;
}

/** Details common to every outcome. */
export interface OutcomeDetails {
  /** True when SIGKILL was needed: the child (or members of its group) outlived the grace period. */
  forced: boolean;
  /** The child's PID (also its process group id); null when it never started. */
  pid: number | null;
  /** Phase durations. */
  phases: OutcomePhases;
  /** The last characters of stdout. */
  stdoutTail: string;
  /** The last characters of stderr. */
  stderrTail: string;
  /** The child's exit code, when it exited by itself (also after SIGTERM); else null. */
  exitCode: number | null;
  /** The signal that ended the child, if any (e.g. `SIGTERM`, `SIGKILL`); else null. */
  exitSignal: string | null;
  /** True when the wait delay expired and the pipes were closed while something still held them. */
  pipesClosedByWaitDelay: boolean;
  /** True when members of the process group outlived the child and were killed at the end. */
  stragglersKilled: boolean;
}

/** The outcome of one supervised run. */
export type Outcome = OutcomeKind & OutcomeDetails;

/** Why the supervisor began the escalation. */
export type Trigger = { type: 'timeout' } | { type: 'no-output-timeout' } | { type: 'cancelled'; reason: string };

/** The kind of outcome: the trigger wins; otherwise how the child ended. */
export function outcomeKind(trigger: Trigger | null, exitCode: number | null, exitSignal: string | null): OutcomeKind {
  if (trigger !== null) return trigger;
  if (exitSignal !== null) return { type: 'signaled', signal: exitSignal };
  return { type: 'exited', code: exitCode ?? -1 };
}

/** An outcome for a child that never started (it failed to spawn, or was cancelled before). */
export function notStarted(kind: OutcomeKind, totalMs: number): Outcome {
  return {
    ...kind,
    forced: false,
    pid: null,
    phases: { runMs: 0, graceMs: null, waitDelayMs: null, totalMs },
    stdoutTail: '',
    stderrTail: '',
    exitCode: null,
    exitSignal: null,
    pipesClosedByWaitDelay: false,
    stragglersKilled: false,
  };
}
