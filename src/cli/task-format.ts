/** Text for people from the service's JSON: task tables, one task, the status page. Pure. */
import { formatTimespan } from '../systemd/timespan.js';

/** A task view as the verbs read it (GET /tasks, GET /tasks/:id). */
export type TaskJson = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** How long a task ran (or has run, at `now`), as text; '' before it started. */
export function taskDuration(t: TaskJson, now: number): string {
  const start = Date.parse(str(t['started_at']));
  if (Number.isNaN(start)) return '';
  const end = t['ended_at'] ? Date.parse(str(t['ended_at'])) : now;
  // Whole milliseconds, in systemd.time(7) spelling (`4s 200ms`).
  return formatTimespan(Math.round(Math.max(0, end - start)) * 1000);
}

/** One line per task under a header: id, agent, host (that claimed it), status(/reason), attempt, duration, created. */
export function formatTaskTable(tasks: readonly TaskJson[], now: number): string[] {
  const rows = tasks.map((t) => [
    str(t['id']),
    str(t['agent']),
    str(t['host']) || '-',
    t['reason'] ? `${str(t['status'])}/${str(t['reason'])}` : str(t['status']),
    str(t['attempt']),
    taskDuration(t, now),
    str(t['created_at']),
  ]);
  return table(['ID', 'AGENT', 'HOST', 'STATUS', 'ATTEMPT', 'DURATION', 'CREATED'], rows);
}

/** One task, field per line, with its attempt links and the tail of its output. */
export function formatTask(t: TaskJson, now: number): string[] {
  const lines = [
    `task     ${str(t['id'])}`,
    `agent    ${str(t['agent'])}`,
    ...(t['host'] ? [`host     ${str(t['host'])}`] : []),
    `status   ${str(t['status'])}${t['reason'] ? ` (${str(t['reason'])})` : ''}${t['exit_code'] !== null && t['exit_code'] !== undefined ? `, exit ${str(t['exit_code'])}` : ''}`,
    `attempt  ${str(t['attempt'])}${t['retry_of'] ? ` (retry of ${str(t['retry_of'])})` : ''}${t['retried_as'] ? ` → retried as ${str(t['retried_as'])}` : ''}`,
    `created  ${str(t['created_at'])}`,
  ];
  if (t['started_at']) lines.push(`started  ${str(t['started_at'])}`);
  if (t['ended_at']) lines.push(`ended    ${str(t['ended_at'])}`);
  const d = taskDuration(t, now);
  if (d) lines.push(t['ended_at'] ? `took     ${d}` : `running  ${d}`);
  lines.push(`payload  ${JSON.stringify(t['payload'] ?? null)}`);
  const out = str(t['output']).trimEnd();
  if (out) lines.push('output:', ...out.split('\n').map((l) => `  ${l}`));
  return lines;
}

/** `hooksctl status` text from `/overview` (or just `/healthz` from a service without it). */
export function formatStatus(overview: Record<string, unknown>, now: number): string[] {
  const health = (overview['health'] ?? overview) as Record<string, unknown>;
  const lines = [`state    ${str(health['state'])}${health['ok'] === false ? ' (not accepting new work)' : ''}`];
  if (overview['host_id']) lines.push(`host     ${str(overview['host_id'])}`);
  const hosts = overview['hosts'] as Record<string, unknown>[] | undefined;
  if (hosts && hosts.length > 0)
    lines.push(`hosts    ${hosts.map((h) => `${str(h['id'])}${h['self'] ? ' (this one)' : ''}`).join(', ')} alive`);
  lines.push(`load     ${str(health['running'])} running, ${str(health['queued'])} queued`);
  const drain = overview['drain'] as Record<string, unknown> | null | undefined;
  if (drain) {
    const deadline = Date.parse(str(drain['deadline_at']));
    const left = Number.isNaN(deadline) ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
    lines.push(
      `drain    ${left === null ? `budget ${str(drain['drain_ms'])} ms` : `${left} s left of the drain budget`}${drain['stopping'] ? ', handing over' : ''}`,
    );
    for (const w of (drain['busy_workers'] as Record<string, unknown>[] | undefined) ?? []) {
      const outcome = w['status'] === null ? 'running' : `${str(w['status'])}${w['reason'] ? `/${str(w['reason'])}` : ''}`;
      lines.push(`  ${str(w['agent'])}: ${str(w['task'])} ${outcome}`);
    }
  }
  const agents = overview['agents'] as Record<string, unknown>[] | undefined;
  if (agents) {
    lines.push('agents:');
    // The container column only where some instance here runs in a container.
    const containers = agents.some((a) => typeof a['container'] === 'string');
    lines.push(
      ...table(
        ['  INSTANCE', 'TYPE', 'MODE', 'HOST', 'STATE', ...(containers ? ['CONTAINER'] : [])],
        agents.map((a) => [
          `  ${str(a['name'])}`,
          str(a['type']),
          str(a['mode']),
          str(a['running_on']) || str(a['host']) || 'any',
          a['task'] ? `busy ${str(a['task'])}` : str(a['state']),
          ...(containers ? [str(a['container']) || '-'] : []),
        ]),
      ),
    );
  }
  return lines;
}

// Left-aligned columns, two spaces apart, trailing spaces trimmed.
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** The line for a cancel's 202: what happened, and where the task runs when another host stops it. */
export function formatCancel(id: string, body: Record<string, unknown>): string {
  if (body['status'] === 'cancelled') return `cancelled ${id}`;
  if (body['status'] === 'cancel_requested')
    return `cancel requested for ${id}: it runs on host ${str(body['host']) || 'unknown'}, which stops it`;
  return `cancelling ${id}: it was running and is being stopped`;
}
