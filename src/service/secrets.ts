/**
 * The service's own secrets: the API token, the webhook secret and the database password. A
 * `service.credentials` entry named `token`, `webhook-secret` or `db-password` wins: serve reads it from `$CREDENTIALS_DIRECTORY`
 * (systemd's `LoadCredential=`), or from its source file when not started by systemd. Otherwise
 * the variables named by `token_env` and `webhook_secret_env` (and PGPASSWORD) are used.
 */
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ExitCode, HooksError } from '../errors.js';
import { describeReadError, readRegularFile } from '../read-file.js';
import type { Env } from '../runtime.js';

/** The credential names serve reads for itself. */
export const SERVICE_CREDENTIALS = { token: 'token', webhookSecret: 'webhook-secret', dbPassword: 'db-password' } as const;

/** The token and webhook secret, each undefined when not configured. */
export interface ServiceSecrets {
  /** The bearer token the API requires, or undefined for none. */
  token: string | undefined;
  /** The HMAC secret of /webhook/forgejo, or undefined for none. */
  webhookSecret: string | undefined;
  /** The PostgreSQL password: the `db-password` credential, else PGPASSWORD; never from service.db. */
  dbPassword: string | undefined;
}

/** Read the service's secrets; an unreadable configured credential is exit 78 (`hooks.config.unreadable`). */
export function serviceSecrets(config: Config, env: Env, read: (path: string) => string = readRegularFile): ServiceSecrets {
  const credential = (name: string): string | undefined => {
    const source = config.service.credentials[name];
    if (source === undefined) return undefined;
    const dir = env['CREDENTIALS_DIRECTORY'];
    const path = dir !== undefined && dir !== '' ? join(dir, name) : source;
    try {
      // One trailing newline is the file's, not the secret's (`echo secret > file`).
      return read(path).replace(/\r?\n$/, '');
    } catch (error) {
      throw new HooksError('hooks.config.unreadable', `Cannot read credential ${name} (${path}): ${describeReadError(error)}`, {
        exitCode: ExitCode.config,
        cause: error,
        details: { credential: name },
      });
    }
  };
  return {
    token: credential(SERVICE_CREDENTIALS.token) ?? env[config.service.token_env],
    webhookSecret: credential(SERVICE_CREDENTIALS.webhookSecret) ?? env[config.service.webhook_secret_env],
    dbPassword: credential(SERVICE_CREDENTIALS.dbPassword) ?? env['PGPASSWORD'],
  };
}
