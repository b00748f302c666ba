/**
 * The container engine port and its adapter over the `docker` CLI (or `podman`, same verbs)
 * through execa. Every call goes through {@link ContainerEngine.call}, which counts and traces
 * it, so "one list and one batched inspect per pass" is checkable. Output is parsed as JSON.
 */
import { execa } from 'execa';
import { systemClock, type Clock, type Env } from '../runtime.js';
import { describeEngineHost, engineFailedError, engineUnavailableError, isEngineUnavailable, type FailedCall } from './engine-errors.js';
import { parseInspect, parsePsLines, type InspectedContainer } from './inspect-json.js';

/** The result of one engine call. */
export interface EngineResult {
  /** The exit code (0 on success). */
  exitCode: number;
  /** Standard output, final newline stripped. */
  stdout: string;
  /** Standard error, final newline stripped. */
  stderr: string;
}

/** Options for one engine call. */
export interface EngineCallOptions {
  /** Text fed on stdin. */
  input?: string;
  /** Cancels the call (the client is killed; the engine may still finish the operation). */
  signal?: AbortSignal | undefined;
  /** Overrides the engine's default per-call timeout. */
  timeoutMs?: number;
  /** Resolve with a non-zero exit instead of throwing `hooks.containers.engine_failed`. */
  allowFailure?: boolean;
}

/** One traced call. */
export interface EngineTrace {
  /** The arguments after the binary. */
  args: readonly string[];
  /** Wall time in ms. */
  ms: number;
  /** The exit code, when the binary ran. */
  exitCode: number | undefined;
}

/** The engine port: the few verbs reconcile, down, dispatch and the orphan guard need. */
export interface ContainerEngine {
  /** The client binary (`docker`, `podman` or a path). */
  readonly bin: string;
  /** How many engine calls were made so far. */
  readonly calls: number;
  /** Where the client connects (DOCKER_HOST or the default socket), for messages. */
  readonly host: string;
  /** The environment engine clients run with (DOCKER_HOST included); spawn `docker exec` with it. */
  readonly env: Readonly<Record<string, string>>;
  /** Run `<bin> ...args`. Throws `engine_unavailable` (exit 69) when the engine is down or missing. */
  call(args: readonly string[], options?: EngineCallOptions): Promise<EngineResult>;
  /** IDs of every container (any state) matching all `label=...` filters: one `ps` call. */
  list(labelFilters: readonly string[], signal?: AbortSignal): Promise<string[]>;
  /** Inspect many containers in one call; unknown refs are left out. Zero refs make no call. */
  inspect(refs: readonly string[], signal?: AbortSignal): Promise<InspectedContainer[]>;
  /** `run -d <args>`; returns the new container's ID. */
  runDetached(args: readonly string[], signal?: AbortSignal): Promise<string>;
  /** `start <ref>`. */
  start(ref: string, signal?: AbortSignal): Promise<void>;
  /** `unpause <ref>`. */
  unpause(ref: string, signal?: AbortSignal): Promise<void>;
  /** `stop -t <timeoutSec> <ref>`. */
  stop(ref: string, timeoutSec: number, signal?: AbortSignal): Promise<void>;
  /** `rm <ref>` (the container must be stopped). */
  remove(ref: string, signal?: AbortSignal): Promise<void>;
  /** `exec [-i] <container> ...argv`; resolves with any exit code. */
  exec(container: string, argv: readonly string[], options?: EngineCallOptions): Promise<EngineResult>;
}

/** Options for {@link createEngine}. */
export interface CreateEngineOptions {
  /** The environment: `HOOKS_CONTAINER_ENGINE` picks the binary, `DOCKER_HOST` the engine, `PATH` finds it. */
  env: Env;
  /** The client binary; overrides `HOOKS_CONTAINER_ENGINE` (default `docker`). */
  bin?: string;
  /** Default per-call timeout in ms (default 120000). */
  timeoutMs?: number;
  /** Receives every call after it ends (for tracing and benchmarks). */
  onCall?: (trace: EngineTrace) => void;
  /** Clock for call timings (default: the system clock). */
  clock?: Clock;
}

/** Create the docker/podman CLI adapter for the {@link ContainerEngine} port. */
export function createEngine(opts: CreateEngineOptions): ContainerEngine {
  const bin = opts.bin ?? (opts.env['HOOKS_CONTAINER_ENGINE'] || 'docker');
  const env = definedEnv(opts.env);
  const host = describeEngineHost(env, bin);
  const clock = opts.clock ?? systemClock;
  const defaultTimeout = opts.timeoutMs ?? 120_000;
  let calls = 0;

  // Run one engine call: count, trace, classify failures.
  async function call(args: readonly string[], o: EngineCallOptions = {}): Promise<EngineResult> {
    o.signal?.throwIfAborted();
    calls += 1;
    const started = clock.monotonic();
    const r = await execa(bin, [...args], {
      env,
      extendEnv: false,
      reject: false,
      stdin: o.input === undefined ? 'ignore' : 'pipe',
      ...(o.input === undefined ? {} : { input: o.input }),
      ...(o.signal === undefined ? {} : { cancelSignal: o.signal }),
      timeout: o.timeoutMs ?? defaultTimeout,
    });
    opts.onCall?.({ args, ms: clock.monotonic() - started, exitCode: r.exitCode });
    if (r.isCanceled) throw o.signal?.reason ?? new Error('engine call aborted');
    const failed: FailedCall = {
      bin,
      args,
      exitCode: r.exitCode,
      stderr: String(r.stderr ?? '').trim(),
      timedOut: r.timedOut,
      spawnCode: r.exitCode === undefined && !r.timedOut && typeof r.code === 'string' ? r.code : undefined,
    };
    if (r.exitCode === 0) return { exitCode: 0, stdout: String(r.stdout ?? ''), stderr: failed.stderr };
    if (isEngineUnavailable(failed)) throw engineUnavailableError(failed, host);
    if (!o.allowFailure || r.exitCode === undefined) throw engineFailedError(failed);
    return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: failed.stderr };
  }

  // A call that must succeed and whose output does not matter.
  const simple = async (args: readonly string[], signal?: AbortSignal) => {
    await call(args, { signal });
  };

  return {
    bin,
    host,
    env,
    call,
    get calls() {
      return calls;
    },
    async list(labelFilters, signal) {
      const filters = labelFilters.flatMap((f) => ['--filter', `label=${f}`]);
      return parsePsLines((await call(['ps', '-a', '--no-trunc', ...filters, '--format', '{{json .}}'], { signal })).stdout);
    },
    async inspect(refs, signal) {
      if (refs.length === 0) return [];
      const r = await call(['inspect', '--type', 'container', ...refs], { signal, allowFailure: true });
      const found = parseInspect(r.stdout);
      if (r.exitCode !== 0 && found.length === 0 && !/no such (object|container)/i.test(r.stderr))
        throw engineFailedError({
          bin,
          args: ['inspect', ...refs],
          exitCode: r.exitCode,
          stderr: r.stderr,
          spawnCode: undefined,
          timedOut: false,
        });
      return found;
    },
    async runDetached(args, signal) {
      return (await call(['run', '-d', ...args], { signal })).stdout.trim();
    },
    start: (ref, signal) => simple(['start', ref], signal),
    unpause: (ref, signal) => simple(['unpause', ref], signal),
    stop: (ref, timeoutSec, signal) => simple(['stop', '-t', String(Math.max(0, Math.round(timeoutSec))), ref], signal),
    remove: (ref, signal) => simple(['rm', ref], signal),
    exec(container, argv, o = {}) {
      return call(['exec', ...(o.input === undefined ? [] : ['-i']), container, ...argv], { ...o, allowFailure: true });
    },
  };
}

// Drop undefined values so the env can be handed to a child process.
function definedEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
