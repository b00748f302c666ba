// serve's own secrets: a `token`/`webhook-secret` credential wins (from $CREDENTIALS_DIRECTORY, else
// its source file), the env variables keep working without one, and an unreadable one is exit 78.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/defaults.js';
import { parseConfig } from '../../src/config/load.js';
import { HooksError } from '../../src/errors.js';
import { serviceSecrets } from '../../src/service/secrets.js';

const config = (credentials: Record<string, string>) => {
  const d = defaultConfig('/usr/bin/node');
  return parseConfig({ ...d, service: { ...d.service, credentials } }, 'test');
};
const files: Record<string, string> = {
  '/run/credentials/x.service/token': 'tok-from-systemd\n',
  '/etc/hooks/token': 'tok-from-file',
};
const read = (p: string) => {
  const v = files[p];
  if (v === undefined) throw Object.assign(new Error('no'), { code: 'ENOENT' });
  return v;
};

describe('serviceSecrets', () => {
  it('reads the token credential from $CREDENTIALS_DIRECTORY, without its trailing newline', () => {
    const s = serviceSecrets(
      config({ token: '/etc/hooks/token' }),
      { CREDENTIALS_DIRECTORY: '/run/credentials/x.service', HOOKS_TOKEN: 'env' },
      read,
    );
    expect(s.token).toBe('tok-from-systemd');
  });

  it('reads the source file when not started by systemd, and the env variables without a credential', () => {
    expect(serviceSecrets(config({ token: '/etc/hooks/token' }), {}, read).token).toBe('tok-from-file');
    expect(serviceSecrets(config({}), { HOOKS_TOKEN: 'env-tok', HOOKS_WEBHOOK_SECRET: 'env-wh' }, read)).toEqual({
      token: 'env-tok',
      webhookSecret: 'env-wh',
      dbPassword: undefined,
    });
  });

  it('reads the database password from the db-password credential, else PGPASSWORD', () => {
    const readPw = (p: string) => (p === '/run/credentials/x.service/db-password' ? 'pw-from-systemd\n' : read(p));
    const dir = { CREDENTIALS_DIRECTORY: '/run/credentials/x.service', PGPASSWORD: 'env-pw' };
    expect(serviceSecrets(config({ 'db-password': '/etc/hooks/db-password' }), dir, readPw).dbPassword).toBe('pw-from-systemd');
    expect(serviceSecrets(config({}), { PGPASSWORD: 'env-pw' }, readPw).dbPassword).toBe('env-pw');
  });

  it('is exit 78 when a configured credential cannot be read', () => {
    try {
      serviceSecrets(config({ 'webhook-secret': '/nope' }), {}, read);
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(HooksError);
      expect((error as HooksError).code).toBe('hooks.config.unreadable');
      expect((error as HooksError).exitCode).toBe(78);
    }
  });
});
