// Proves the systemd/journald half of the harness against the real thing.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { withSystemd } from '../harness/systemd.js';

const READY = fileURLToPath(new URL('../fixtures/notify-ready.sh', import.meta.url));

describe('harness: real systemd --user and journald', () => {
  it('starts a Type=notify unit to active and stops it', async () => {
    await withSystemd(async (sb) => {
      await sb.installUnit('harness-ready.service', `[Service]\nType=notify\nNotifyAccess=all\nExecStart=${READY} 0.3 "harness says hi"\n`);
      const start = await sb.systemctl('start', 'harness-ready.service');
      expect(start.exitCode, String(start.stderr)).toBe(0);
      expect(await sb.show('harness-ready.service', ['ActiveState', 'StatusText'])).toEqual({
        ActiveState: 'active',
        StatusText: 'harness says hi',
      });
      expect((await sb.systemctl('stop', 'harness-ready.service')).exitCode).toBe(0);
      expect((await sb.show('harness-ready.service', ['ActiveState'])).ActiveState).toBe('inactive');
    });
  });

  it('finds an entry with a custom field through journalctl FIELD=value', async () => {
    await withSystemd(async (sb) => {
      const marker = `m${Date.now()}`;
      const w = await sb.run(['logger', '--journald'], { input: `MESSAGE=harness entry\nHARNESS_MARK=${marker}\n` });
      expect(w.exitCode, String(w.stderr)).toBe(0);
      const entries = await sb.journal([`HARNESS_MARK=${marker}`]);
      expect(entries).toHaveLength(1);
      expect(entries[0]?.['MESSAGE']).toBe('harness entry');
    });
  });
});
