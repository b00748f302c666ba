/**
 * Turn a Forgejo/Gitea (or GitHub) issue webhook into task targets: an issue assigned to an
 * agent instance, or labelled `agent:<instance>`, becomes a task for it. Pure.
 */

/** One task the webhook asks for. */
export interface WebhookTarget {
  agent: string;
  payload: Record<string, unknown>;
}

/** The outcome of reading one delivery. */
export type WebhookReading = { targets: WebhookTarget[]; ignored: string | null };

const ACTIONS = new Set(['opened', 'reopened', 'assigned', 'labeled', 'label_updated', 'edited']);

/** Read a parsed delivery; `agents` are the known instance names. */
export function readWebhook(event: string, body: unknown, agents: ReadonlySet<string>): WebhookReading {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { targets: [], ignored: 'body is not a JSON object' };
  const b = body as Record<string, unknown>;
  const issue = asObject(b['issue']) ?? asObject(b['pull_request']);
  if (!issue) return { targets: [], ignored: `event "${event}" carries no issue` };
  const action = typeof b['action'] === 'string' ? b['action'] : '';
  if (!ACTIONS.has(action)) return { targets: [], ignored: `action "${action}" does not dispatch` };
  const wanted = new Set<string>();
  for (const login of assignees(issue, b)) if (agents.has(login)) wanted.add(login);
  for (const label of labels(issue, b)) {
    const m = /^agent:(.+)$/.exec(label);
    if (m?.[1] && agents.has(m[1])) wanted.add(m[1]);
  }
  if (wanted.size === 0) return { targets: [], ignored: 'no agent assigned or labelled' };
  const repo = asObject(b['repository']);
  const payload = {
    source: 'forgejo',
    event,
    action,
    repository: repo?.['full_name'] ?? null,
    issue: { number: issue['number'] ?? null, title: issue['title'] ?? null, body: issue['body'] ?? null, url: issue['html_url'] ?? null },
  };
  return { targets: [...wanted].map((agent) => ({ agent, payload })), ignored: null };
}

// Narrow to a plain object.
function asObject(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

// Logins assigned to the issue (assignee, assignees[], and the event's `assignee`).
function assignees(issue: Record<string, unknown>, body: Record<string, unknown>): string[] {
  const list = [issue['assignee'], ...(Array.isArray(issue['assignees']) ? issue['assignees'] : []), body['assignee']];
  return list.map((a) => asObject(a)?.['login']).filter((l): l is string => typeof l === 'string');
}

// Label names on the issue plus the event's `label`.
function labels(issue: Record<string, unknown>, body: Record<string, unknown>): string[] {
  const list = [...(Array.isArray(issue['labels']) ? issue['labels'] : []), body['label']];
  return list.map((l) => asObject(l)?.['name']).filter((n): n is string => typeof n === 'string');
}
