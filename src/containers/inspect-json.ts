/**
 * Parsing the engine's JSON output (never free text): `ps --format '{{json .}}'` lines and
 * `inspect` arrays, for docker and podman alike. Pure functions, tested byte for byte.
 */
import { HooksError } from '../errors.js';

/** One container as seen by `inspect`. */
export interface InspectedContainer {
  /** Full container ID. */
  id: string;
  /** Name without the leading slash. */
  name: string;
  /** The engine's state word: running, exited, created, paused, restarting, dead, ... */
  status: string;
  /** True when the main process runs (paused counts as running here; see `paused`). */
  running: boolean;
  /** True when the container is paused. */
  paused: boolean;
  /** When it was last started (the engine's RFC 3339 string). */
  startedAt: string;
  /** Its labels. */
  labels: Record<string, string>;
}

/** Container IDs from `ps --format '{{json .}}'` output (one JSON object per line; docker `ID`, podman `Id`). */
export function parsePsLines(stdout: string): string[] {
  const ids: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const row = parseJson(line, 'ps') as Record<string, unknown>;
    const id = row['ID'] ?? row['Id'];
    if (typeof id !== 'string' || id === '') throw badOutput('ps', 'a row without an ID');
    ids.push(id);
  }
  return ids;
}

/** Containers from `inspect` output: a JSON array (possibly partial when some IDs vanished). */
export function parseInspect(stdout: string): InspectedContainer[] {
  const text = stdout.trim();
  if (text === '') return [];
  const data = parseJson(text, 'inspect');
  if (!Array.isArray(data)) throw badOutput('inspect', 'expected a JSON array');
  return data.map(toInspected);
}

// Map one inspect object to the fields reconcile needs.
function toInspected(value: unknown): InspectedContainer {
  const o = asObject(value);
  const state = asObject(o['State']);
  const config = asObject(o['Config']);
  const id = o['Id'] ?? o['ID'];
  if (typeof id !== 'string') throw badOutput('inspect', 'an entry without Id');
  const rawLabels = asObject(config['Labels'] ?? {});
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawLabels)) if (typeof v === 'string') labels[k] = v;
  const status = typeof state['Status'] === 'string' ? state['Status'] : 'unknown';
  return {
    id,
    name: String(o['Name'] ?? '').replace(/^\//, ''),
    status,
    running: state['Running'] === true,
    paused: state['Paused'] === true || status === 'paused',
    startedAt: typeof state['StartedAt'] === 'string' ? state['StartedAt'] : '',
    labels,
  };
}

// An object, or an empty one for null/non-objects.
function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// JSON.parse with a typed error naming the command.
function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badOutput(what, `not JSON: ${text.slice(0, 80)}`);
  }
}

// The error for output we cannot read.
function badOutput(what: string, why: string): HooksError {
  return new HooksError('hooks.containers.bad_output', `Unexpected output from the engine's ${what}: ${why}`, {
    details: { command: what },
  });
}
