/**
 * A lossless unit-file model (systemd.syntax(7)): every physical line is kept verbatim in
 * an entry's `raw`, so serialize(parse(text)) === text byte for byte, while each entry also
 * carries what systemd reads from it (section, key, the joined value of continued lines).
 * See https://www.freedesktop.org/software/systemd/man/systemd.syntax.html
 */

/** A blank line or a `#`/`;` comment line. */
export interface TriviaEntry {
  /** `blank` or `comment`. */
  kind: 'blank' | 'comment';
  /** The exact bytes, line terminator included. */
  raw: string;
  /** 1-based line number. */
  line: number;
}

/** A `[Section]` header. */
export interface SectionEntry {
  /** Always `section`. */
  kind: 'section';
  /** The exact bytes, line terminator included. */
  raw: string;
  /** 1-based line number. */
  line: number;
  /** The section name between the brackets. */
  name: string;
}

/** A `Key=value` assignment, possibly continued over several lines with a trailing backslash. */
export interface AssignmentEntry {
  /** Always `assignment`. */
  kind: 'assignment';
  /** The exact bytes of every physical line it spans, terminators included. */
  raw: string;
  /** 1-based line of the key. */
  line: number;
  /** 1-based last line (continuations). */
  endLine: number;
  /** The section it belongs to, or null before any header. */
  section: string | null;
  /** The key, trimmed. */
  key: string;
  /** The value as systemd reads it: continuations joined with a space, comment lines dropped, trimmed. */
  value: string;
}

/** A line systemd cannot read (no `=`, a broken header, ...). */
export interface InvalidEntry {
  /** Always `invalid`. */
  kind: 'invalid';
  /** The exact bytes, line terminator included. */
  raw: string;
  /** 1-based line number. */
  line: number;
  /** The section it is in, or null. */
  section: string | null;
  /** Why it cannot be read. */
  reason: string;
}

/** One entry of a unit file. */
export type UnitEntry = TriviaEntry | SectionEntry | AssignmentEntry | InvalidEntry;

/** A parsed unit file: its entries in order. */
export interface UnitFile {
  /** Every line of the file, grouped into entries, in order. */
  entries: UnitEntry[];
}

const COMMENT = /^[#;]/;

/** Split text into physical lines, each keeping its terminator (`\n` or `\r\n`); the last may have none. */
export function physicalLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

// The line without its terminator.
function body(raw: string): string {
  return raw.replace(/\r?\n$/, '');
}

// The line without its terminator and surrounding whitespace (what systemd classifies).
function content(raw: string): string {
  return body(raw).trim();
}

// True when the line ends with an unescaped backslash (a continuation).
function continues(text: string): boolean {
  const m = /\\+$/.exec(text);
  return m !== null && m[0].length % 2 === 1;
}

/** Parse unit-file text into a lossless {@link UnitFile}. Never throws: unreadable lines become `invalid` entries. */
export function parseUnit(text: string): UnitFile {
  const lines = physicalLines(text);
  const entries: UnitEntry[] = [];
  let section: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = i + 1;
    const c = content(raw);
    if (c === '') entries.push({ kind: 'blank', raw, line });
    else if (COMMENT.test(c)) entries.push({ kind: 'comment', raw, line });
    else if (c.startsWith('[')) {
      const m = /^\[([^[\]]+)\]$/.exec(c);
      if (m?.[1] === undefined)
        entries.push({ kind: 'invalid', raw, line, section, reason: `Invalid section header ${JSON.stringify(c)}` });
      else {
        section = m[1];
        entries.push({ kind: 'section', raw, line, name: section });
      }
    } else {
      const taken = takeContinued(lines, i);
      i = taken.last;
      entries.push(toAssignment(taken.raw, taken.logical, line, taken.last + 1, section));
    }
  }
  return { entries };
}

// Gather a logical line as systemd does: a trailing unescaped backslash becomes a space and the next
// physical line is appended verbatim; comment lines inside the continuation are skipped.
function takeContinued(lines: readonly string[], start: number): { raw: string; logical: string; last: number } {
  let raw = lines[start] ?? '';
  let logical = body(raw);
  let last = start;
  let pending = continues(logical);
  if (pending) logical = `${logical.slice(0, -1)} `;
  while (pending && last + 1 < lines.length) {
    last += 1;
    const next = lines[last] ?? '';
    raw += next;
    if (COMMENT.test(body(next).trimStart())) continue;
    logical += body(next);
    pending = continues(logical);
    if (pending) logical = `${logical.slice(0, -1)} `;
  }
  return { raw, logical, last };
}

// Turn a logical line into an assignment, or an invalid entry when it has no key.
function toAssignment(raw: string, logical: string, line: number, endLine: number, section: string | null): AssignmentEntry | InvalidEntry {
  const eq = logical.indexOf('=');
  if (eq < 0) return { kind: 'invalid', raw, line, section, reason: `Missing '=' in ${JSON.stringify(logical.slice(0, 60))}` };
  const key = logical.slice(0, eq).trim();
  if (key === '') return { kind: 'invalid', raw, line, section, reason: 'Missing key before =' };
  return { kind: 'assignment', raw, line, endLine, section, key, value: logical.slice(eq + 1).trim() };
}

/** Serialize a {@link UnitFile} back to text: the concatenation of every entry's raw bytes. */
export function serializeUnit(file: UnitFile): string {
  return file.entries.map((e) => e.raw).join('');
}

/** Every assignment to `key` in `section` (all occurrences of the section), in file order. */
export function assignmentsOf(file: UnitFile, section: string, key: string): AssignmentEntry[] {
  return file.entries.filter((e): e is AssignmentEntry => e.kind === 'assignment' && e.section === section && e.key === key);
}

/** The effective list of a list-valued key: an empty assignment resets everything before it. */
export function listValues(file: UnitFile, section: string, key: string): AssignmentEntry[] {
  const all = assignmentsOf(file, section, key);
  const reset = all.map((e) => e.value === '').lastIndexOf(true);
  return all.slice(reset + 1);
}

/** The last assignment of a single-valued key (the one systemd uses), or undefined. */
export function lastValue(file: UnitFile, section: string, key: string): AssignmentEntry | undefined {
  return assignmentsOf(file, section, key).at(-1);
}

/** The first header line of `section`, or undefined when the file has none. */
export function sectionLine(file: UnitFile, section: string): number | undefined {
  return file.entries.find((e) => e.kind === 'section' && e.name === section)?.line;
}
