// Admitting a stored task: announced once (task_queued) whether it runs now or waits for the
// next instance; handed to the dispatcher only while intake is open.
import { describe, expect, it } from 'vitest';
import { admit } from '../../src/server/admit.js';
import type { Dispatcher } from '../../src/tasks/dispatcher.js';
import type { TaskRow } from '../../src/tasks/types.js';

const row = { id: 't-1', agent: 'dev-1', status: 'queued' } as TaskRow;

function deps(intake: 'open' | 'defer') {
  const broadcasts: Array<[string, Record<string, unknown>]> = [];
  const submitted: string[] = [];
  return {
    broadcasts,
    submitted,
    deps: {
      intake: () => intake,
      dispatcher: { submit: (r: TaskRow) => void submitted.push(r.id) } as unknown as Dispatcher,
      hub: { broadcast: (type: string, data: Record<string, unknown>) => void broadcasts.push([type, data]) },
    },
  };
}

describe('admit', () => {
  it('open: announces the task once and hands it to the dispatcher', () => {
    const d = deps('open');
    expect(admit(d.deps, row)).toEqual({ id: 't-1', status: 'queued', url: '/tasks/t-1' });
    expect(d.broadcasts).toEqual([['task_queued', { type: 'task_queued', id: 't-1', agent: 'dev-1' }]]);
    expect(d.submitted).toEqual(['t-1']);
  });

  it('defer (starting or draining): announces the task once, leaves it in the store, and says deferred', () => {
    const d = deps('defer');
    expect(admit(d.deps, row)).toEqual({ id: 't-1', status: 'queued', url: '/tasks/t-1', deferred: true });
    expect(d.broadcasts).toEqual([['task_queued', { type: 'task_queued', id: 't-1', agent: 'dev-1' }]]);
    expect(d.submitted).toEqual([]);
  });
});
