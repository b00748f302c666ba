// sd_notify wire text (byte for byte) and the Notifier's results, with a recording transport.
import { describe, expect, it } from 'vitest';
import { createNotifier, formatNotify, type NotifyFields } from '../../src/systemd/notify/notify.js';

describe('formatNotify', () => {
  it.each([
    [{ ready: true }, 'READY=1'],
    [{ ready: true, status: 'up' }, 'READY=1\nSTATUS=up'],
    [{ stopping: true, status: 'draining 3 tasks, 41 s left' }, 'STOPPING=1\nSTATUS=draining 3 tasks, 41 s left'],
    [{ extendTimeoutUsec: 1_500_000 }, 'EXTEND_TIMEOUT_USEC=1500000'],
    [{ watchdog: true }, 'WATCHDOG=1'],
    [{ watchdog: 'trigger' }, 'WATCHDOG=trigger'],
    [{ reloading: true, monotonicUsec: 123456789 }, 'RELOADING=1\nMONOTONIC_USEC=123456789'],
    [{ mainpid: 4242 }, 'MAINPID=4242'],
    [{ errno: 0 }, 'ERRNO=0'],
    [{ ready: false, stopping: false, watchdog: false }, ''],
    [
      {
        errno: 5,
        mainpid: 7,
        watchdog: true,
        extendTimeoutUsec: 0,
        status: 's',
        stopping: true,
        monotonicUsec: 1,
        reloading: true,
        ready: true,
      },
      'READY=1\nRELOADING=1\nMONOTONIC_USEC=1\nSTOPPING=1\nSTATUS=s\nEXTEND_TIMEOUT_USEC=0\nWATCHDOG=1\nMAINPID=7\nERRNO=5',
    ],
  ] as [NotifyFields, string][])('%j', (fields, text) => expect(formatNotify(fields)).toBe(text));

  it('flattens STATUS so it cannot inject another assignment', () => {
    expect(formatNotify({ status: 'a\nREADY=1\r\nMAINPID=1\0x' })).toBe('STATUS=a READY=1  MAINPID=1 x');
    expect(formatNotify({ status: 'tab\tkept, ünïcode kept' })).toBe('STATUS=tab\tkept, ünïcode kept');
  });

  it.each([
    ['extendTimeoutUsec', { extendTimeoutUsec: -1 }],
    ['extendTimeoutUsec', { extendTimeoutUsec: 1.5 }],
    ['extendTimeoutUsec', { extendTimeoutUsec: Infinity }],
    ['mainpid', { mainpid: 0 }],
    ['errno', { errno: NaN }],
    ['monotonicUsec', { monotonicUsec: -3 }],
  ] as [string, NotifyFields][])('rejects a bad %s with a typed error naming it', (option, fields) => {
    expect(() => formatNotify(fields)).toThrow(
      expect.objectContaining({ code: 'hooks.notify.invalid', exitCode: 2, details: expect.objectContaining({ option }) }),
    );
  });
});

describe('createNotifier', () => {
  const make = (env: Record<string, string>, transport?: (t: string) => void) => {
    const sent: string[] = [];
    const notifier = createNotifier({ env, transport: transport ?? ((t) => sent.push(t)), monotonicUsec: () => 99 });
    return { notifier, sent };
  };

  it('is a no-op that says so without NOTIFY_SOCKET', () => {
    const { notifier, sent } = make({});
    expect(notifier.ready('x')).toEqual({ sent: false, reason: 'no-socket' });
    expect(notifier.watchdog()).toEqual({ sent: false, reason: 'no-socket' });
    expect(make({ NOTIFY_SOCKET: '' }).notifier.status('x')).toEqual({ sent: false, reason: 'no-socket' });
    expect(sent).toEqual([]);
  });

  it('sends each typed message as its wire text (abstract sockets too)', () => {
    const { notifier, sent } = make({ NOTIFY_SOCKET: '@hooks/notify' });
    const results = [
      notifier.ready(),
      notifier.ready('up'),
      notifier.status('busy'),
      notifier.stopping(),
      notifier.stopping('bye'),
      notifier.extendTimeout(2_000_000, '2 s left'),
      notifier.watchdog(),
      notifier.watchdogTrigger(),
      notifier.reloading(),
      notifier.mainpid(12),
      notifier.errno(5),
      notifier.send({ ready: true, status: 'both' }),
    ];
    expect(results.every((r) => r.sent)).toBe(true);
    expect(sent).toEqual([
      'READY=1',
      'READY=1\nSTATUS=up',
      'STATUS=busy',
      'STOPPING=1',
      'STOPPING=1\nSTATUS=bye',
      'STATUS=2 s left\nEXTEND_TIMEOUT_USEC=2000000',
      'WATCHDOG=1',
      'WATCHDOG=trigger',
      'RELOADING=1\nMONOTONIC_USEC=99',
      'MAINPID=12',
      'ERRNO=5',
      'READY=1\nSTATUS=both',
    ]);
  });

  it('turns a failing transport into a result, and an empty message into an error result', () => {
    const { notifier } = make({ NOTIFY_SOCKET: '/run/x' }, () => {
      throw new Error('EPERM');
    });
    expect(notifier.ready()).toEqual({ sent: false, reason: 'error', error: 'EPERM' });
    expect(make({ NOTIFY_SOCKET: '/run/x' }).notifier.send({})).toEqual({ sent: false, reason: 'error', error: 'nothing to send' });
  });

  it('throws a typed error for invalid numbers even without a socket', () => {
    expect(() => make({}).notifier.extendTimeout(-5)).toThrow(expect.objectContaining({ code: 'hooks.notify.invalid' }));
  });
});
