/** Server-sent events wire format (pure): frames, comments and the reconnect hint. See the HTML spec, "Server-sent events". */

/** One SSE frame. `data` is JSON-encoded, so it never holds a raw newline; `event` loses any CR/LF. */
export function formatSse(event: string, data: unknown, id?: number): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${event.replace(/[\r\n]/g, '')}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by EventSource, it keeps proxies and idle timers from closing the stream. */
export function formatComment(text: string): string {
  return `: ${text.replace(/[\r\n]/g, ' ')}\n\n`;
}

/** The reconnect hint: EventSource waits `ms` before reconnecting (to the next instance). */
export function formatRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/** Parse a `Last-Event-ID` value: a non-negative integer id, or null when absent or malformed. */
export function parseLastEventId(value: unknown): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text.trim())) return null;
  return Number(text.trim());
}
