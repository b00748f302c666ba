// The validator rules: each with a failing and a passing unit, and a table of malformed or hostile units,
// each naming its rule id and line. Pure logic (systemd-analyze is covered by the integration tests).
import { describe, expect, it } from 'vitest';
import type { BudgetInput } from '../../src/shutdown/budget.js';
import { validateUnitText } from '../../src/systemd/unit/validate-text.js';

const HOOKS = '/usr/bin/node /opt/hooksctl/bin/hooksctl';
const budget: BudgetInput = { drainMs: 60_000, abortGraceMs: 5_000, cleanupMs: 5_000, marginMs: 5_000, extend: false, maxDrainMs: 600_000 };
const good = (extra = '', timeout = '90s') =>
  `[Unit]\nDescription=x\n\n[Service]\nType=notify\nNotifyAccess=main\nExecStart=${HOOKS} serve\nKillMode=mixed\nTimeoutStopSec=${timeout}\n${extra}\n[Install]\nWantedBy=default.target\n`;
const check = (text: string, o: { scope?: 'user' | 'system'; budget?: BudgetInput | null } = {}) =>
  validateUnitText(text, { scope: o.scope ?? 'system', budget: o.budget === undefined ? budget : o.budget }).map(
    (f) => `${f.line}:${f.severity}:${f.rule}`,
  );

describe('validator rules: failing and passing', () => {
  it('a good unit has no findings', () => {
    expect(check(good())).toEqual([]);
  });

  it('budget.plain', () => {
    expect(check(good('', '30s'))).toEqual(['9:error:budget.plain']);
    expect(check(good('', '75s'))).toEqual([]);
  });

  it('budget: whichever of TimeoutStopSec= and TimeoutSec= comes last sets the stop timeout', () => {
    expect(check(good('TimeoutSec=10s\n', '300s'))).toEqual(['10:error:budget.plain']);
    expect(check(good('', '300s').replace('TimeoutStopSec=300s', 'TimeoutSec=10s\nTimeoutStopSec=300s'))).toEqual([]);
  });

  it('syntax.nul: a NUL byte would hide a line from the validator that systemd reads', () => {
    expect(check(good('Description=x\0KillMode=bogus\n'))).toContain('10:error:syntax.nul');
    expect(check(good('Environment=A=1\n'))).toEqual([]);
  });

  it('syntax.too-long: systemd refuses lines over 1 MiB', () => {
    expect(check(good(`Environment=A=${'x'.repeat(1024 * 1024 + 10)}\n`))).toEqual(['10:error:syntax.too-long']);
  });

  it("budget.plain against systemd's default 90s when TimeoutStopSec is not set", () => {
    const text = good().replace('TimeoutStopSec=90s\n', '');
    expect(check(text, { budget: { ...budget, drainMs: 80_000 } })).toEqual(['4:error:budget.plain']);
    expect(check(text)).toEqual([]);
  });

  it('budget.extend-first, and extend mode with TimeoutStopSec=3s is valid', () => {
    const ext = { ...budget, extend: true };
    expect(check(good('', '2s'), { budget: ext })).toEqual(['9:error:budget.extend-first']);
    expect(check(good('', '3s'), { budget: ext })).toEqual([]);
  });

  it('timeout.infinity and timeout.zero (even without a config)', () => {
    expect(check(good('', 'infinity'), { budget: null })).toEqual(['9:error:timeout.infinity']);
    expect(check(good('', '0'), { budget: null })).toEqual(['9:error:timeout.zero']);
    expect(check(good('', '10s'), { budget: null })).toEqual([]);
  });

  it('notify.access-none, and an omitted NotifyAccess is fine', () => {
    expect(check(good().replace('NotifyAccess=main', 'NotifyAccess=none'))).toEqual(['6:error:notify.access-none']);
    expect(check(good().replace('NotifyAccess=main\n', ''))).toEqual([]);
    expect(check(good().replace('NotifyAccess=main', 'NotifyAccess=none').replace('Type=notify', 'Type=notify-reload'))).toEqual([
      '6:error:notify.access-none',
    ]);
  });

  it('exec.missing, also when reset by an empty assignment', () => {
    expect(check(good().replace(`ExecStart=${HOOKS} serve\n`, ''))).toEqual(['4:error:exec.missing']);
    expect(check(good('ExecStart=\n'))).toEqual(['10:error:exec.missing']);
  });

  it('timeout.user-cap for --user only', () => {
    expect(check(good('', '150s'), { scope: 'user' })).toEqual(['9:warning:timeout.user-cap']);
    expect(check(good('', '150s'), { scope: 'system' })).toEqual([]);
  });

  it('killmode.control-group, explicit or by default, on a draining service', () => {
    expect(check(good().replace('KillMode=mixed', 'KillMode=control-group'))).toEqual(['8:warning:killmode.control-group']);
    expect(check(good().replace('KillMode=mixed\n', ''))).toEqual(['4:warning:killmode.control-group']);
    expect(check('[Service]\nExecStart=/bin/sleep 1\n', { budget: null })).toEqual([]);
  });

  it('killmode.orphans for process and none', () => {
    expect(check(good().replace('KillMode=mixed', 'KillMode=process'))).toEqual(['8:warning:killmode.orphans']);
    expect(check(good().replace('KillMode=mixed', 'KillMode=none'))).toEqual(['8:warning:killmode.orphans']);
  });

  it('watchdog.not-hooksctl', () => {
    expect(check('[Service]\nExecStart=/usr/bin/python3 app.py\nWatchdogSec=30s\n', { budget: null })).toEqual([
      '3:warning:watchdog.not-hooksctl',
    ]);
    expect(check(good('WatchdogSec=30s\n'))).toEqual([]);
  });

  it('containers.asymmetric: agents-sync with a just recipe or a docker loop on stop', () => {
    const pre = `ExecStartPre=${HOOKS} agents-sync\n`;
    expect(check(good(`${pre}ExecStopPost=/usr/bin/just agents-down\n`))).toEqual(['11:warning:containers.asymmetric']);
    expect(check(good(`${pre}ExecStopPost=/bin/sh -c 'for c in $(docker ps -q); do docker stop $c; done'\n`))).toEqual([
      '11:warning:containers.asymmetric',
    ]);
    expect(check(good(`ExecStartPre=/usr/bin/docker compose up -d\nExecStopPost=${HOOKS} containers-down\n`))).toEqual([
      '11:warning:containers.asymmetric',
    ]);
    expect(check(good(`${pre}ExecStopPost=${HOOKS} containers-down\n`))).toEqual([]);
  });

  it('unknown.section and unknown.key, X- extensions allowed', () => {
    expect(check(good('Colour=blue\nX-Ours=1\n[Sevrice]\nType=simple\n[X-Extra]\nA=1\n'))).toEqual([
      '10:warning:unknown.key',
      '12:warning:unknown.section',
    ]);
  });
});

// Malformed and hostile units: [name, text, expected "line:severity:rule" entries (all of them)].
const HOSTILE: [string, string, string[]][] = [
  [
    'broken header',
    '[Service\nExecStart=/bin/true\n',
    ['1:error:syntax.invalid-line', '2:error:syntax.no-section', '1:error:exec.missing'],
  ],
  ['no equals sign', '[Service]\nExecStart=/bin/true\nrm -rf /\n', ['3:error:syntax.invalid-line']],
  ['empty key', '[Service]\nExecStart=/bin/true\n=value\n', ['3:error:syntax.invalid-line']],
  ['assignment before any section', 'ExecStart=/bin/true\n[Service]\nExecStart=/bin/true\n', ['1:error:syntax.no-section']],
  ['unbalanced quote in ExecStart', '[Service]\nExecStart=/bin/echo "open\n', ['2:error:syntax.exec']],
  ['relative program path', '[Service]\nExecStart=bin/hooksctl serve\n', ['2:error:syntax.exec', '1:warning:killmode.control-group']],
  ['exec with prefixes only', '[Service]\nExecStart=-@\n', ['2:error:syntax.exec']],
  ['bad timespan', '[Service]\nExecStart=/bin/true\nTimeoutStopSec=soon\n', ['3:error:syntax.timespan']],
  [
    'bad watchdog timespan',
    '[Service]\nExecStart=/bin/true\nWatchdogSec=5 parsecs\n',
    ['3:error:syntax.timespan', '3:warning:watchdog.not-hooksctl'],
  ],
  ['injected section via continuation', '[Service]\nExecStart=/bin/true \\\n[Install]\n', []],
  ['injected key via continuation', '[Service]\nDescription=a \\\nExecStart=/bin/sh\n', ['2:warning:unknown.key', '1:error:exec.missing']],
  ['NUL byte line', '[Service]\nExecStart=/bin/true\n\0\n', ['3:error:syntax.invalid-line']],
  ['binary junk', '\x7fELF\x02\x01\x01\n', ['1:error:syntax.invalid-line', '1:error:exec.missing']],
  ['empty file', '', ['1:error:exec.missing']],
  ['only comments', '# nothing\n; here\n', ['1:error:exec.missing']],
  ['CRLF with infinity', '[Service]\r\nExecStart=/bin/true\r\nTimeoutStopSec=infinity\r\n', ['3:error:timeout.infinity']],
  ['ExecStart reset at the end', '[Service]\nExecStart=/bin/true\nExecStart=\n', ['3:error:exec.missing']],
  [
    'notify none inside a repeated section',
    '[Service]\nType=notify\nExecStart=/bin/true\n[Service]\nNotifyAccess=none\n',
    ['5:error:notify.access-none'],
  ],
  ['TimeoutSec=0 sets the stop timeout too', '[Service]\nExecStart=/bin/true\nTimeoutSec=0\n', ['3:error:timeout.zero']],
  ['very long line', `[Service]\nExecStart=/bin/echo ${'a'.repeat(100_000)}\nFoo${'b'.repeat(5000)}=1\n`, ['3:warning:unknown.key']],
  ['key with spaces', '[Service]\nExecStart=/bin/true\nExec Start=/bin/sh\n', ['3:warning:unknown.key']],
  [
    'section with brackets inside',
    '[Serv[ice]\nExecStart=/bin/true\n',
    ['1:error:syntax.invalid-line', '2:error:syntax.no-section', '1:error:exec.missing'],
  ],
  ['lowercase section', '[service]\nExecStart=/bin/true\n', ['1:warning:unknown.section', '1:error:exec.missing']],
  [
    'sections named like Object.prototype members',
    '[Service]\nExecStart=/bin/true\n[constructor]\nA=1\n[__proto__]\nB=1\n[toString]\nC=1\n',
    ['3:warning:unknown.section', '5:warning:unknown.section', '7:warning:unknown.section'],
  ],
  ['percent and dollar in a path', '[Service]\nExecStart=/srv/100%/$x/bin\n', []],
  ['trailing backslash at EOF', '[Service]\nExecStart=/bin/true \\', []],
  ['escaped quote at end', '[Service]\nExecStart=/bin/echo "a\\"\n', ['2:error:syntax.exec']],
  [
    'watchdog with a shell ExecStart',
    '[Service]\nExecStart=/bin/sh -c "exec hooksctl serve"\nWatchdogSec=10s\n',
    ['3:warning:watchdog.not-hooksctl'],
  ],
];

describe('validator: malformed and hostile units', () => {
  it('covers at least 25 cases', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(25);
  });

  it.each(HOSTILE)('%s', (_name, text, expected) => {
    const got = check(text, { budget: null });
    expect([...got].sort()).toEqual([...expected].sort());
  });
});
