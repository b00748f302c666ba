/**
 * The stderr fallback line, used when the journal socket is absent. When stderr is itself a
 * journal stream (JOURNAL_STREAM set), the line starts with the sd-daemon(3) `<N>` priority
 * prefix so journald keeps the priority. Newlines are escaped so one entry is one line and a
 * message cannot forge a second line (or a second `<N>` priority).
 */

/** Options for {@link formatFallbackLine}. */
export interface FallbackLine {
  /** Syslog priority 0..7. */
  priority: number;
  /** The tag in brackets: `shutdown` for phase entries, else the identifier. */
  tag: string;
  /** The message. */
  message: string;
  /** True when stderr is connected to the journal (JOURNAL_STREAM). */
  journalStream: boolean;
}

// Escape backslashes, CR, LF and NUL so the line stays one line and reversible.
function oneLine(text: string): string {
  return text.replace(/[\\\r\n\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\x00'));
}

/** The exact text written to stderr, newline included: `<6>[shutdown] draining 3 tasks\n`. */
export function formatFallbackLine(line: FallbackLine): string {
  const prefix = line.journalStream ? `<${line.priority}>` : '';
  return `${prefix}[${oneLine(line.tag)}] ${oneLine(line.message)}\n`;
}
