// A scripted ContainerEngine for the container runner tests: one container, recorded calls.
import type { ContainerEngine, EngineCallOptions, EngineResult } from '../../src/containers/engine.js';
import { HooksError } from '../../src/errors.js';
import type { InspectedContainer } from '../../src/containers/inspect-json.js';

/** The one container's state; `null` when it does not exist. */
export type FakeContainerState = 'running' | 'stopped' | 'paused' | null;

/** One recorded engine call: the verb and its arguments, and the options it was given. */
export interface FakeEngineCall {
  /** `inspect`, `start`, `unpause`, `exec`, `call`, ... */
  verb: string;
  /** Its arguments (for exec: the container, then the argv). */
  args: readonly string[];
  /** The call options, when the verb takes them. */
  options?: EngineCallOptions | undefined;
}

/** How the fake behaves; every field can be changed between calls. */
export interface FakeEngineScript {
  /** The container's state. */
  state: FakeContainerState;
  /** When false, the runner's trivial `exec sh -c 'exit 0'` probe fails. */
  execWorks: boolean;
  /** When set, every call throws this (e.g. an engine_unavailable error). */
  down: Error | null;
  /** Answers the orphan guard's exec (the kill script); default: nothing was running. */
  guard: (options: EngineCallOptions | undefined) => Promise<EngineResult> | EngineResult;
  /** Awaited at the start of every inspect (say, to hold it until the task is aborted). */
  beforeInspect: (signal: AbortSignal | undefined) => Promise<void> | void;
}

/** A fake engine over one container named `container`; see {@link FakeEngineScript}. */
export function fakeEngine(container: string, script: Partial<FakeEngineScript> = {}) {
  const s: FakeEngineScript = {
    state: 'running',
    execWorks: true,
    down: null,
    guard: () => ({ exitCode: 0, stdout: '{"found":false,"signalled":null}', stderr: '' }),
    beforeInspect: () => undefined,
    ...script,
  };
  const calls: FakeEngineCall[] = [];
  const record = (verb: string, args: readonly string[], options?: EngineCallOptions) => {
    calls.push({ verb, args, options });
    // Like the real adapter: an aborted call never starts, a down engine fails every call.
    options?.signal?.throwIfAborted();
    if (s.down) throw s.down;
  };
  const need = (ref: string) => {
    if (ref !== container || s.state === null) throw new HooksError('hooks.containers.engine_failed', `docker: No such container: ${ref}`);
  };
  const inspected = (): InspectedContainer => ({
    id: 'c0ffee',
    name: container,
    status: s.state ?? 'gone',
    running: s.state === 'running' || s.state === 'paused',
    paused: s.state === 'paused',
    startedAt: '',
    labels: {},
  });
  const engine: ContainerEngine = {
    bin: '/usr/bin/docker',
    host: 'unix:///fake.sock',
    env: { DOCKER_HOST: 'unix:///fake.sock', SHARED: 'engine' },
    get calls() {
      return calls.length;
    },
    async call(args, options) {
      record('call', args, options);
      if (args[0] === 'restart') {
        need(args[args.length - 1] ?? '');
        s.state = 'running';
        s.execWorks = true;
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    },
    async list() {
      record('list', []);
      return [];
    },
    async inspect(refs, signal) {
      record('inspect', refs, { signal });
      await s.beforeInspect(signal);
      signal?.throwIfAborted();
      return refs.includes(container) && s.state !== null ? [inspected()] : [];
    },
    async runDetached(args) {
      record('runDetached', args);
      return 'c0ffee';
    },
    async start(ref, signal) {
      record('start', [ref], { signal });
      need(ref);
      s.state = 'running';
    },
    async unpause(ref, signal) {
      record('unpause', [ref], { signal });
      need(ref);
      s.state = 'running';
    },
    async stop(ref) {
      record('stop', [ref]);
      need(ref);
      s.state = 'stopped';
    },
    async remove(ref) {
      record('remove', [ref]);
      need(ref);
      s.state = null;
    },
    async exec(ref, argv, options) {
      record('exec', [ref, ...argv], options);
      need(ref);
      if (argv.join(' ') === 'sh -c exit 0')
        return {
          exitCode: s.execWorks && s.state === 'running' ? 0 : 126,
          stdout: '',
          stderr: s.execWorks ? '' : 'OCI runtime exec failed',
        };
      if (argv[0] === 'sh' && argv[2]?.includes('kill -TERM')) return s.guard(options);
      throw new Error(`fake engine: unexpected exec ${JSON.stringify(argv)}`);
    },
  };
  return { engine, calls, script: s, verbs: () => calls.map((c) => c.verb) };
}
