// Fixtures for the task runner tests: outcomes, task rows, instances, a run context and a fake supervisor.
import type { AgentInstance } from '../../src/config/instances.js';
import type { AgentType } from '../../src/config/schema.js';
import { AGENT_KEY_DEFAULTS } from '../../src/config/agent-keys.js';
import type { Outcome, OutcomeKind, RunOptions } from '../../src/supervisor/index.js';
import type { RunContext } from '../../src/tasks/dispatcher.js';
import type { TaskSupervisor } from '../../src/runners/process-runner.js';
import type { TaskRow } from '../../src/tasks/types.js';

/** An outcome of `kind` with quiet defaults; `over` replaces any detail. */
export function outcome(kind: OutcomeKind, over: Partial<Omit<Outcome, 'type'>> = {}): Outcome {
  return {
    ...kind,
    forced: false,
    pid: 4242,
    phases: { runMs: 10, graceMs: null, waitDelayMs: 0, totalMs: 10 },
    stdoutTail: '',
    stderrTail: '',
    exitCode: kind.type === 'exited' ? kind.code : null,
    exitSignal: kind.type === 'signaled' ? kind.signal : null,
    pipesClosedByWaitDelay: false,
    stragglersKilled: false,
    ...over,
  } as Outcome;
}

/** A running task row for `agent`. */
export function taskRow(over: Partial<TaskRow> = {}): TaskRow {
  return {
    id: 't-1',
    root_id: 't-1',
    agent: 'dev-default',
    payload: '{"n":1}',
    status: 'running',
    reason: null,
    attempt: 2,
    retry_of: null,
    retried_as: null,
    exit_code: null,
    pid: null,
    pid_start: null,
    source: 'api',
    dedupe_key: null,
    output: null,
    seq: 1,
    created_at: '2025-01-01T00:00:00.000Z',
    started_at: '2025-01-01T00:00:01.000Z',
    ended_at: null,
    host: 'h1',
    fence: 1,
    cancel_requested: null,
    ...over,
  };
}

/** An instance map with one instance `name` of a type with `type`'s fields. */
export function instances(name: string, type: Partial<AgentType> = {}): Map<string, AgentInstance> {
  const full: AgentType = {
    ...AGENT_KEY_DEFAULTS,
    mode: 'process',
    command: ['agent', '--run'],
    image: null,
    env: {},
    mounts: [],
    network: null,
    ...type,
  };
  return new Map([[name, { name, typeName: name.replace(/-default$/, ''), type: full }]]);
}

/** A run context that records what the runner reports; `abort(reason)` cancels the task. */
export function runContext() {
  const controller = new AbortController();
  const spawned: Array<[number, number | null]> = [];
  let activity = 0;
  const ctx: RunContext = {
    signal: controller.signal,
    onSpawn: (pid, startTime) => {
      spawned.push([pid, startTime]);
    },
    onActivity: () => {
      activity += 1;
    },
  };
  return { ctx, spawned, activity: () => activity, abort: (reason: string) => controller.abort(reason) };
}

/** A promise that resolves when `signal` aborts (at once if it already has). */
export function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * A fake supervisor: `run` plays the child (call the callbacks in its options, resolve with an
 * outcome). Records every run's options and how often it was loaded; start times come from `startTimes`.
 */
export function fakeSupervisor(
  run: (options: RunOptions) => Outcome | Promise<Outcome>,
  startTimes: ReadonlyMap<number, number> = new Map(),
) {
  const runs: RunOptions[] = [];
  let loads = 0;
  const supervisor: TaskSupervisor = {
    runSupervised: async (options) => {
      runs.push(options);
      return run(options);
    },
    processStartTime: (pid) => startTimes.get(pid) ?? null,
  };
  return {
    load: async () => {
      loads += 1;
      return supervisor;
    },
    runs,
    loads: () => loads,
  };
}

/** The supervisor's own rule for an aborted run: `cancelled` with `String(signal.reason ?? 'aborted')`. */
export function cancelledBy(signal: AbortSignal | undefined, over: Partial<Omit<Outcome, 'type'>> = {}): Outcome {
  return outcome(
    { type: 'cancelled', reason: String((signal?.reason as unknown) ?? 'aborted') },
    { exitCode: null, exitSignal: 'SIGTERM', ...over },
  );
}
