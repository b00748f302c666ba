/**
 * systemd.time(7) time spans: parse (`90`, `90s`, `5min 20s`, `1h30m`, `500ms`, `infinity`)
 * and format. Values are in microseconds; `infinity` is `Infinity`.
 * See https://www.freedesktop.org/software/systemd/man/systemd.time.html
 */
import { ExitCode, HooksError } from '../errors.js';

const USEC_PER = {
  us: 1,
  ms: 1_000,
  s: 1_000_000,
  min: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
  w: 604_800_000_000,
  M: 2_629_800_000_000,
  y: 31_557_600_000_000,
} as const;

type UnitKey = keyof typeof USEC_PER;

// Every suffix systemd accepts, mapped to its unit.
const SUFFIXES: Readonly<Record<string, UnitKey>> = {
  usec: 'us',
  us: 'us',
  µs: 'us',
  μs: 'us',
  msec: 'ms',
  ms: 'ms',
  seconds: 's',
  second: 's',
  sec: 's',
  s: 's',
  minutes: 'min',
  minute: 'min',
  min: 'min',
  m: 'min',
  hours: 'h',
  hour: 'h',
  hr: 'h',
  h: 'h',
  days: 'd',
  day: 'd',
  d: 'd',
  weeks: 'w',
  week: 'w',
  w: 'w',
  months: 'M',
  month: 'M',
  M: 'M',
  years: 'y',
  year: 'y',
  y: 'y',
};

const PART = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Zµμ]*)/;

/** Parse a systemd time span into microseconds. A bare number means `defaultUnit` (seconds). */
export function parseTimespan(input: string | number, defaultUnit: 's' | 'ms' | 'us' = 's'): number {
  if (typeof input === 'number') return fromNumber(input, defaultUnit);
  const text = input.trim();
  if (text === 'infinity') return Infinity;
  if (text === '') throw junk(input, 'it is empty');
  let rest = text;
  let total = 0;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m || m[0].trim() === '') throw junk(input, `cannot read ${JSON.stringify(rest)}`);
    const value = Number(m[1]);
    const suffix = m[2] ?? '';
    // Own keys only: `5constructor` must be an unknown unit, not Object.prototype's member.
    const unit: UnitKey | undefined = suffix === '' ? defaultUnit : Object.hasOwn(SUFFIXES, suffix) ? SUFFIXES[suffix] : undefined;
    if (unit === undefined) throw junk(input, `unknown unit ${JSON.stringify(suffix)}`);
    total += value * USEC_PER[unit];
    rest = rest.slice(m[0].length);
  }
  if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) throw junk(input, 'it is too large');
  return Math.round(total);
}

/** Format microseconds the way systemd prints them (`1min 30s`, `500ms`, `infinity`). */
export function formatTimespan(usec: number): string {
  if (usec === Infinity) return 'infinity';
  if (!Number.isFinite(usec) || usec < 0) throw new HooksError('hooks.timespan.invalid', `Expected a non-negative time span, got ${usec}`);
  if (usec === 0) return '0';
  const order: UnitKey[] = ['y', 'M', 'w', 'd', 'h', 'min', 's', 'ms', 'us'];
  const parts: string[] = [];
  let rest = Math.round(usec);
  for (const unit of order) {
    const size = USEC_PER[unit];
    if (rest >= size) {
      const n = Math.floor(rest / size);
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return parts.join(' ');
}

/** Parse a time span and return milliseconds (rounded up so a budget is never shortened). */
export function parseTimespanMs(input: string | number, defaultUnit: 's' | 'ms' | 'us' = 's'): number {
  const us = parseTimespan(input, defaultUnit);
  return us === Infinity ? Infinity : Math.ceil(us / 1000);
}

// A plain number is taken in the default unit.
function fromNumber(value: number, unit: 's' | 'ms' | 'us'): number {
  if (!Number.isFinite(value) || value < 0) throw junk(String(value), 'it must be a non-negative number');
  return Math.round(value * USEC_PER[unit]);
}

// The one error shape for unreadable time spans.
function junk(input: string, why: string): HooksError {
  return new HooksError(
    'hooks.timespan.invalid',
    `Invalid time span ${JSON.stringify(input)}: ${why} (see systemd.time(7), e.g. "90s", "5min 20s", "infinity")`,
    { exitCode: ExitCode.config },
  );
}
