// service.db as a URL: what selects PostgreSQL, what is refused, and the redaction used in messages.
import { describe, expect, it } from 'vitest';
import { databaseUrlProblem, isDatabaseUrl, redactDatabaseUrl } from '../../src/config/db-url.js';

describe('service.db URLs', () => {
  it('tells a URL from a file path', () => {
    expect(isDatabaseUrl('postgres://db/hooks')).toBe(true);
    expect(isDatabaseUrl('postgresql://u@db:5432/hooks')).toBe(true);
    expect(isDatabaseUrl('./data/hooks.db')).toBe(false);
    expect(isDatabaseUrl(':memory:')).toBe(false);
    expect(isDatabaseUrl('/srv/postgres:/x.db')).toBe(false);
  });

  it('accepts a PostgreSQL URL without a password, and any file path', () => {
    expect(databaseUrlProblem('postgres://hooks@db:5432/hooks?sslmode=require')).toBeUndefined();
    expect(databaseUrlProblem('/srv/hooks.db')).toBeUndefined();
  });

  it('refuses a password in the userinfo or the query, and other schemes', () => {
    expect(databaseUrlProblem('postgres://u:pw@db/hooks')).toMatch(/no password/);
    expect(databaseUrlProblem('postgres://:pw@db/hooks')).toMatch(/no password/);
    expect(databaseUrlProblem('postgres://db/hooks?password=pw')).toMatch(/no password/);
    expect(databaseUrlProblem('mysql://db/hooks')).toMatch(/scheme/);
  });

  it('masks a password for messages', () => {
    expect(redactDatabaseUrl('postgres://u:pw@db/hooks')).toBe('postgres://u:…@db/hooks');
    expect(redactDatabaseUrl('postgres://u@db/hooks')).toBe('postgres://u@db/hooks');
  });
});
