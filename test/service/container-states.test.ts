// The dashboard's container column on fake time: one state per instance (the liveliest of its
// containers), one engine read shared by calls during it and for maxAgeMs after, a failed read
// not reused, and a read that hangs aborted at its time limit.
import { describe, expect, it } from 'vitest';
import { createContainerStates, statesByInstance } from '../../src/service/container-states.js';
import type { ObservedContainer, RunState } from '../../src/containers/reconcile-plan.js';
import { createFakeTime } from '../harness/fake-time.js';

const seen = (instance: string | null, state: RunState): ObservedContainer => ({
  id: `${instance ?? 'x'}-${state}`,
  name: `svc-${instance ?? 'x'}`,
  instance,
  hash: null,
  state,
  startedAt: '',
});

describe('statesByInstance', () => {
  it('one state per instance, the liveliest container winning; unlabelled containers are left out', () => {
    const states = statesByInstance([
      seen('a', 'stopped'),
      seen('a', 'running'),
      seen('b', 'paused'),
      seen('b', 'stopped'),
      seen(null, 'running'),
    ]);
    expect([...states]).toEqual([
      ['a', 'running'],
      ['b', 'paused'],
    ]);
  });
});

describe('createContainerStates', () => {
  it('shares one read between calls during it and for maxAgeMs after; then reads again', async () => {
    const time = createFakeTime();
    let reads = 0;
    let state: RunState = 'running';
    const states = createContainerStates({
      clock: time.clock,
      timers: time.timers,
      maxAgeMs: 2_000,
      read: async () => {
        reads += 1;
        return [seen('a', state)];
      },
    });
    const [first, second] = await Promise.all([states(), states()]);
    expect(reads).toBe(1);
    expect(first).toBe(second);
    state = 'stopped';
    await time.advance(1_999);
    expect((await states()).get('a')).toBe('running');
    await time.advance(1);
    expect((await states()).get('a')).toBe('stopped');
    expect(reads).toBe(2);
  });

  it('a failed read is not reused, and a read that hangs is aborted at its time limit', async () => {
    const time = createFakeTime();
    const outcomes: Array<'fail' | 'hang' | 'ok'> = ['fail', 'hang', 'ok'];
    const states = createContainerStates({
      clock: time.clock,
      timers: time.timers,
      timeoutMs: 5_000,
      read: (signal) => {
        const next = outcomes.shift();
        if (next === 'fail') return Promise.reject(new Error('Cannot connect to the Docker daemon'));
        if (next === 'hang')
          return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
        return Promise.resolve([seen('a', 'running')]);
      },
    });
    await expect(states()).rejects.toThrow('Cannot connect');
    const hanging = states();
    const settled = hanging.then(
      () => 'resolved',
      (error: Error) => error.name,
    );
    await time.advance(5_000);
    expect(await settled).toBe('TimeoutError');
    expect((await states()).get('a')).toBe('running');
  });
});
