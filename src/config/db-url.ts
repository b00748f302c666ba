/**
 * `service.db` is either a SQLite file path or a `postgres://` URL. The URL never carries the
 * password: that comes from a credential or the environment (src/service/secrets.ts), so a
 * config file in a repository or a unit never holds it.
 */

/** The URL schemes that select the PostgreSQL store. */
export const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'] as const;

/** True when `db` looks like a URL (`scheme://…`) rather than a file path. */
export function isDatabaseUrl(db: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(db);
}

/** Why `db` (a URL) cannot be used, or undefined when it is a usable PostgreSQL URL (or not a URL at all). */
export function databaseUrlProblem(db: string): string | undefined {
  if (!isDatabaseUrl(db)) return undefined;
  let url: URL;
  try {
    url = new URL(db);
  } catch {
    return 'Expected service.db to be a file path or a valid postgres:// URL';
  }
  if (!(POSTGRES_SCHEMES as readonly string[]).includes(url.protocol))
    return `Expected service.db to be a file path or a postgres:// URL, got scheme ${JSON.stringify(url.protocol)}`;
  if (url.password !== '' || url.searchParams.has('password'))
    return 'Expected service.db to hold no password: give it as the db-password credential or in PGPASSWORD';
  return undefined;
}

/** `db` with any userinfo password masked, for messages and logs. */
export function redactDatabaseUrl(db: string): string {
  return db.replace(/\/\/([^@/:]*):[^@/]*@/, '//$1:…@');
}
