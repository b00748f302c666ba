/**
 * Intake under load for restart tests: one POST over a fresh connection (or fetch's keep-alive
 * pool), classified as accepted (with the task id), refused, reset, 503 or other.
 */
import { request } from 'node:http';

/** What became of one POST. */
export type Outcome = (
  { kind: 'accepted'; id: string; status: number } | { kind: 'refused' | 'reset' | '503' | 'other'; detail: string }
) & {
  via?: string;
};

/** One POST over a fresh connection (no keep-alive), classified. */
export function postFresh(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(classify(res.statusCode ?? 0, text)));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'reset', detail: e.code ?? e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(errorOutcome(e)));
    req.end(body);
  });
}

/** One POST over fetch's keep-alive pool, classified. */
export async function postKeepAlive(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    return classify(r.status, await r.text());
  } catch (error) {
    return errorOutcome(((error as { cause?: NodeJS.ErrnoException }).cause ?? error) as NodeJS.ErrnoException);
  }
}

// An answer: 202/200 with a task id is accepted.
function classify(status: number, text: string): Outcome {
  if (status === 503) return { kind: '503', detail: text };
  if (status !== 202 && status !== 200) return { kind: 'other', detail: `${status} ${text}` };
  const json = JSON.parse(text) as { id?: string; tasks?: Array<{ id: string }> };
  const id = json.id ?? json.tasks?.[0]?.id;
  return id === undefined ? { kind: 'other', detail: text } : { kind: 'accepted', id, status };
}

// No answer: refused, reset, or something else.
function errorOutcome(e: NodeJS.ErrnoException): Outcome {
  if (e.code === 'ECONNREFUSED') return { kind: 'refused', detail: e.code };
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE' || /socket hang up|other side closed/.test(e.message))
    return { kind: 'reset', detail: e.code ?? e.message };
  return { kind: 'other', detail: e.code ?? e.message };
}

/** How many outcomes of each kind. */
export function countOutcomes(outcomes: readonly Outcome[]): Record<'sent' | 'accepted' | 'refused' | 'reset' | '503' | 'other', number> {
  const count = (k: Outcome['kind']) => outcomes.filter((o) => o.kind === k).length;
  return {
    sent: outcomes.length,
    accepted: count('accepted'),
    refused: count('refused'),
    reset: count('reset'),
    '503': count('503'),
    other: count('other'),
  };
}

/** Follow each task's `retried_as` to its last attempt, through `task(id)` (GET /tasks/:id). */
export async function lastAttempts(
  ids: readonly string[],
  task: (id: string) => Promise<Record<string, unknown>>,
): Promise<Array<Record<string, unknown>>> {
  const finals: Array<Record<string, unknown>> = [];
  for (const id of ids) {
    let t = await task(id);
    while (typeof t['retried_as'] === 'string') t = await task(t['retried_as']);
    finals.push(t);
  }
  return finals;
}
