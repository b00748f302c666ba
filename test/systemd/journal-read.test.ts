// readJournal telling "no journal" (journalctl missing, no journal files, files closed to this user) from
// "a journal with no matching entries", with a fake journalctl on PATH.
import { describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../src/systemd/journal/read.js';
import { useScratchDir } from '../harness/scratch.js';

// The fake prints $FAKE_JSON for `-o json`, else (the `-o short -n 0` probe) $FAKE_PROBE_ERR on stderr; exits $FAKE_RC.
const FAKE = `#!/bin/sh
case " $* " in
  *" -o json "*) printf '%s' "$FAKE_JSON"; printf '%s' "$FAKE_JSON_ERR" >&2 ;;
  *) printf '%s' "$FAKE_PROBE_ERR" >&2 ;;
esac
exit "\${FAKE_RC:-0}"
`;

describe('readJournal', () => {
  const scratch = useScratchDir('hooks-journal-read-');
  const read = (vars: Record<string, string>) => {
    const bin = join(scratch.path, 'journalctl');
    writeFileSync(bin, FAKE);
    chmodSync(bin, 0o755);
    return readJournal({ env: { PATH: `${scratch.path}:/usr/bin:/bin`, ...vars }, matches: ['SYSLOG_IDENTIFIER=hooksctl'] });
  };

  it('returns the entries of a readable journal', async () => {
    expect(await read({ FAKE_JSON: '{"MESSAGE":"a"}\n{"MESSAGE":"b"}\n' })).toEqual([{ MESSAGE: 'a' }, { MESSAGE: 'b' }]);
  });

  it('returns [] for a readable journal without matches', async () => {
    expect(await read({ FAKE_JSON: '' })).toEqual([]);
  });

  it('no journal files: hooks.journal.no_files, exit 69', async () => {
    await expect(read({ FAKE_JSON: '', FAKE_PROBE_ERR: 'No journal files were found.\n' })).rejects.toMatchObject({
      code: 'hooks.journal.no_files',
      exitCode: 69,
    });
  });

  it('journal files closed to this user: hooks.journal.unreadable, exit 69 (no longer read as "no entries")', async () => {
    const denied = 'No journal files were opened due to insufficient permissions.\n';
    await expect(read({ FAKE_JSON: '', FAKE_JSON_ERR: denied, FAKE_PROBE_ERR: denied, FAKE_RC: '1' })).rejects.toMatchObject({
      code: 'hooks.journal.unreadable',
      exitCode: 69,
    });
  });

  it('journalctl missing: hooks.journal.unavailable, exit 69', async () => {
    await expect(readJournal({ env: { PATH: join(scratch.path, 'nowhere') }, matches: [] })).rejects.toMatchObject({
      code: 'hooks.journal.unavailable',
      exitCode: 69,
    });
  });
});
