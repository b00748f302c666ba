// systemd.time(7) time spans.
import { describe, expect, it } from 'vitest';
import { formatTimespan, parseTimespan, parseTimespanMs } from '../../src/systemd/timespan.js';

describe('parseTimespan', () => {
  it.each([
    ['90', 90_000_000],
    ['90s', 90_000_000],
    ['5min 20s', 320_000_000],
    ['1h30m', 5_400_000_000],
    ['500ms', 500_000],
    ['2 hours', 7_200_000_000],
    ['1.5s', 1_500_000],
    ['10us', 10],
    ['1d', 86_400_000_000],
    [' 3s ', 3_000_000],
  ] as const)('%s', (text, usec) => expect(parseTimespan(text)).toBe(usec));
  it('infinity', () => expect(parseTimespan('infinity')).toBe(Infinity));
  it('numbers use the default unit', () => {
    expect(parseTimespan(2)).toBe(2_000_000);
    expect(parseTimespanMs(250, 'ms')).toBe(250);
  });
  it.each(['', 'abc', '5 parsecs', '-5s', 's', '5s junk', '1e3'])('rejects %j', (text) => {
    expect(() => parseTimespan(text)).toThrow(expect.objectContaining({ code: 'hooks.timespan.invalid', exitCode: 78 }));
  });
  it.each(['5constructor', '90hasOwnProperty', '1toString'])('rejects %j as an unknown unit, not "too large"', (text) => {
    expect(() => parseTimespan(text)).toThrow(/unknown unit "[A-Za-z]+"/);
  });
  it('quotes what it cannot read, so a newline or ESC in the value stays out of the message', () => {
    let message = '';
    try {
      parseTimespan('5s\n[Service]\u001b[31m');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/cannot read "\\n\[Service\]\\u001b\[31m"/);
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('formatTimespan', () => {
  it.each([
    [90_000_000, '1min 30s'],
    [500_000, '500ms'],
    [0, '0'],
    [Infinity, 'infinity'],
    [3_600_000_000, '1h'],
  ] as const)('%s', (usec, text) => expect(formatTimespan(usec)).toBe(text));
  it('round-trips', () => {
    for (const t of ['1min 30s', '2h 5s', '750ms']) expect(formatTimespan(parseTimespan(t))).toBe(t);
  });
});
