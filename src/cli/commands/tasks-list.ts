/** Reading GET /tasks pages for `hooksctl tasks`, with the agent filter applied client-side. */
import type { ServiceClient } from '../service-client.js';
import { unexpected } from '../service-client.js';
import { ExitCode, HooksError } from '../../errors.js';

/** What to list. */
export interface TaskListRequest {
  statuses: readonly string[];
  agent: string | undefined;
  limit: number;
  before: string | undefined;
}

/** A page as `--json` prints it. */
export interface TaskListPage {
  tasks: Record<string, unknown>[];
  next_before: string | null;
  /** With `--agent`: more matching tasks may follow, but no cursor resumes exactly here. */
  truncated?: true;
}

/** Fetch pages until `limit` tasks match (or history ends); the cursor resumes after the last task returned. */
export async function listTasks(client: ServiceClient, req: TaskListRequest): Promise<TaskListPage> {
  const tasks: Record<string, unknown>[] = [];
  let before = req.before;
  for (;;) {
    const q = new URLSearchParams(req.statuses.map((s): [string, string] => ['status', s]));
    // Without an agent filter one page is the answer; with one, read big pages and filter.
    q.set('limit', String(req.agent === undefined ? req.limit : 1000));
    if (before !== undefined) q.set('before', before);
    const answer = await client.get(`/tasks?${q.toString()}`);
    if (answer.status === 400)
      throw new HooksError('hooks.client.bad_option', String(answer.json?.['message'] ?? 'bad request'), { exitCode: ExitCode.usage });
    if (answer.status !== 200 || !Array.isArray(answer.json?.['tasks'])) throw unexpected(answer, 'GET /tasks');
    const page = answer.json['tasks'] as Record<string, unknown>[];
    const next = (answer.json['next_before'] as string | null | undefined) ?? null;
    for (const [i, t] of page.entries()) {
      if (req.agent !== undefined && t['agent'] !== req.agent) continue;
      tasks.push(t);
      // Filled up mid-page: the API's cursor is a row's seq, which views do not carry, so no cursor
      // can resume right after this task; say the list was cut rather than hand one that skips rows.
      if (req.agent !== undefined && tasks.length === req.limit)
        return { tasks, next_before: i === page.length - 1 ? next : null, ...(i === page.length - 1 ? {} : { truncated: true }) };
    }
    if (req.agent === undefined || next === null) return { tasks, next_before: next };
    before = next;
  }
}
