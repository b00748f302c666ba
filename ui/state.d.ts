/** Types of ./state.js, the dashboard's pure state module (the page itself is plain JS). */

/** A task as the page keeps it: the API view, partly filled from SSE events. */
export interface UiTask {
  id: string;
  agent: string;
  status: string;
  reason?: string | null;
  attempt?: number;
  created_at?: string;
  started_at?: string | null;
  ended_at?: string | null;
  duration_ms?: number;
  retry_of?: string | null;
  retried_as?: string | null;
  last_line?: string;
  /** The host that claimed it (null until one did). */
  host?: string | null;
}
/** One agent instance as /overview shows it. */
export interface UiAgent {
  name: string;
  type: string;
  mode: string;
  state: string;
  task: string | null;
  host?: string | null;
  running_on?: string | null;
}
/** A live host as /overview lists it. */
export interface UiHost {
  id: string;
  seen_at: string;
  self: boolean;
}
/** The banner's model. */
export interface UiDrain {
  deadline: number;
  workers: Array<{ task: string; agent: string; status: string | null; reason: string | null }>;
  stopping: boolean;
}
/** The page's whole state. */
export interface UiState {
  tasks: Map<string, UiTask>;
  order: string[];
  agents: UiAgent[];
  drain: UiDrain | null;
  service: string;
  link: 'connecting' | 'live' | 'reconnecting';
  nextBefore: string | null;
  /** The answering host's id (`/overview` host_id), null until loaded. */
  hostId: string | null;
  /** The live hosts (`/overview` hosts). */
  hosts: UiHost[];
}
/** The statuses a task ends in. */
export const END_STATUSES: readonly string[];
/** The empty state. */
export function initialState(): UiState;
/** Merge task views in, newest first. */
export function withTasks(state: UiState, views: ReadonlyArray<Partial<UiTask> & { id: string }>): UiState;
/** Apply one SSE event's data at wall time `now`. */
export function applyEvent(state: UiState, event: Record<string, unknown> & { type: string }, now: number): UiState;
/** The /overview drain view as the banner's model. */
export function drainFromOverview(view: Record<string, unknown> | null, now: number): UiDrain | null;
/** Tasks in one status (the queue oldest first). */
export function tasksIn(state: UiState, status: string): UiTask[];
/** Ended tasks, newest first. */
export function history(state: UiState, limit?: number): UiTask[];
/** A task's duration in ms, or null. */
export function durationOf(task: UiTask): number | null;
/** A duration as people read it. */
export function formatDuration(ms: number | null | undefined): string;
/** The banner's countdown text. */
export function countdownText(deadline: number, now: number): string;
/** How a busy worker of the drain stands. */
export function workerOutcome(w: UiDrain['workers'][number]): string;
/** The link line: never "disconnected" during a restart. */
export function linkText(state: UiState): string;
/** The last non-empty line of a text. */
export function lastLine(text: unknown): string;
/** Where an agent instance runs: running_on, else its host, else `any`. */
export function agentHost(agent: UiAgent): string;
/** The hosts line ('' before the overview loaded). */
export function hostsText(state: UiState): string;
