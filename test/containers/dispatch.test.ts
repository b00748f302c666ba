// Pure pieces of container dispatch and the guard: the exec argv, the PID file, output parsing, text lines.
import { describe, expect, it } from 'vitest';
import { containerTaskCommand, taskPidFile } from '../../src/containers/task-exec.js';
import { describeEngineHost, isEngineUnavailable } from '../../src/containers/engine-errors.js';
import { createEngine } from '../../src/containers/engine.js';
import { anyFailed, formatFleetLines } from '../../src/containers/format.js';
import { parseGuardOutput } from '../../src/containers/orphan-guard.js';

describe('containerTaskCommand', () => {
  const engine = createEngine({ env: {}, bin: '/usr/bin/docker' });
  it('builds docker exec -i with env, the pid-file wrapper and the command', () => {
    expect(
      containerTaskCommand({ engine, container: 'svc-a', taskId: 't-1', agent: 'a', command: ['agent', '--x'], env: { K: 'v' } }),
    ).toEqual([
      '/usr/bin/docker',
      'exec',
      '-i',
      '-e',
      'K=v',
      '-e',
      'HOOKS_TASK_ID=t-1',
      '-e',
      'HOOKS_AGENT=a',
      'svc-a',
      'sh',
      '-c',
      'echo $$ > /tmp/hooks-t-1.pid; exec "$@"',
      'sh',
      'agent',
      '--x',
    ]);
  });
  it('rejects task IDs that are not safe file names, naming the option', () => {
    expect(() => taskPidFile('../x')).toThrow(/`taskId`/);
    expect(() => containerTaskCommand({ engine, container: 'c', taskId: 'a b', agent: 'a', command: ['x'], env: {} })).toThrow(
      expect.objectContaining({ code: 'hooks.containers.bad_task_id' }),
    );
  });
});

describe('engine selection', () => {
  it('takes the binary from HOOKS_CONTAINER_ENGINE, default docker, and counts no call up front', () => {
    expect(createEngine({ env: {} }).bin).toBe('docker');
    expect(createEngine({ env: { HOOKS_CONTAINER_ENGINE: 'podman' } }).bin).toBe('podman');
    expect(createEngine({ env: { HOOKS_CONTAINER_ENGINE: 'podman' }, bin: 'x' }).calls).toBe(0);
  });
  it('names the socket it tries', () => {
    expect(describeEngineHost({ DOCKER_HOST: 'unix:///s.sock' }, 'docker')).toBe('unix:///s.sock');
    expect(describeEngineHost({}, 'docker')).toBe('unix:///var/run/docker.sock (default)');
    expect(describeEngineHost({ CONTAINER_HOST: 'unix:///p.sock' }, 'podman')).toBe('unix:///p.sock');
  });
  it('tells an unreachable engine from a failed command', () => {
    const call = { bin: 'docker', args: ['ps'], exitCode: 1, stderr: '', spawnCode: undefined, timedOut: false };
    expect(
      isEngineUnavailable({ ...call, stderr: 'Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?' }),
    ).toBe(true);
    expect(isEngineUnavailable({ ...call, exitCode: undefined, spawnCode: 'ENOENT' })).toBe(true);
    expect(isEngineUnavailable({ ...call, stderr: 'Error: No such container: x' })).toBe(false);
  });
});

describe('parseGuardOutput', () => {
  it('reads the guard script JSON line', () => {
    expect(parseGuardOutput('{"found":true,"signalled":"TERM"}\n')).toEqual({ found: true, signalled: 'TERM' });
    expect(parseGuardOutput('{"found":false,"signalled":null}')).toEqual({ found: false, signalled: null });
    expect(parseGuardOutput('garbage')).toMatchObject({ found: false, signalled: null, error: expect.stringContaining('garbage') });
  });
});

describe('formatFleetLines', () => {
  it('prints "<instance> <container> <action>" and a failure reason', () => {
    const rows = [
      { instance: 'a', container: 's-a', action: 'created' },
      { instance: 'b', container: 's-b', action: 'started', error: 'boom\nmore' },
    ];
    expect(formatFleetLines(rows)).toEqual(['a s-a created', 'b s-b started failed: boom']);
    expect(anyFailed(rows)).toBe(true);
    expect(anyFailed(rows.slice(0, 1))).toBe(false);
  });
});
