/** Reading a GET /tasks page for `hooksctl tasks`: statuses, agent, limit and cursor are the API's own. */
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
}

/** Fetch one page; its `next_before` resumes right after its last task. A 400 (a bad option) is exit 2. */
export async function listTasks(client: ServiceClient, req: TaskListRequest): Promise<TaskListPage> {
  const q = new URLSearchParams(req.statuses.map((s): [string, string] => ['status', s]));
  if (req.agent !== undefined) q.set('agent', req.agent);
  q.set('limit', String(req.limit));
  if (req.before !== undefined) q.set('before', req.before);
  const answer = await client.get(`/tasks?${q.toString()}`);
  if (answer.status === 400)
    throw new HooksError('hooks.client.bad_option', String(answer.json?.['message'] ?? 'bad request'), { exitCode: ExitCode.usage });
  if (answer.status !== 200 || !Array.isArray(answer.json?.['tasks'])) throw unexpected(answer, 'GET /tasks');
  return {
    tasks: answer.json['tasks'] as Record<string, unknown>[],
    next_before: (answer.json['next_before'] as string | null | undefined) ?? null,
  };
}
