// zod/mini sets no locale: src/config/zod-english.ts gives the config schemas zod's English
// messages, unless the embedding program chose a locale first.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { core } from 'zod/mini';
import { globalConfig } from 'zod/v4/core';
import { thrown } from '../harness/thrown.js';

type Issues = { path: string; message: string }[];

// src/config evaluated afresh (zod itself is shared by the process), with zod's locale as `localeError` leaves it.
async function freshConfigModules(localeError: core.$ZodErrorMap | undefined) {
  globalConfig.localeError = localeError;
  vi.resetModules();
  return import('../../src/config/load.js');
}

// The issues of a config with `service` replaced by `service` merged over the defaults.
async function issuesOf(parseConfig: (value: unknown, label: string) => unknown, service: Record<string, unknown>): Promise<Issues> {
  const { defaultConfig } = await import('../../src/config/defaults.js');
  const value = defaultConfig('/usr/bin/node');
  const error = thrown(() => parseConfig({ ...value, service: { ...value.service, ...service } }, 'L'), 'the config to be rejected');
  return (error.details as { issues: Issues }).issues;
}

describe('the config schemas’ messages', () => {
  const english = globalConfig.localeError;
  afterEach(() => {
    globalConfig.localeError = english;
  });

  it('are zod’s English ones where the schema gives none of its own', async () => {
    const { parseConfig } = await freshConfigModules(undefined);
    expect(await issuesOf(parseConfig, { port: 'x', host: '' })).toEqual([
      { path: 'service.host', message: 'Too small: expected string to have >=1 characters' },
      { path: 'service.host', message: 'Expected a host name or IP address' },
      { path: 'service.port', message: 'Invalid input: expected number, received string' },
    ]);
  });

  it('keep the schema’s own message where it gives one', async () => {
    const { parseConfig } = await freshConfigModules(undefined);
    expect(await issuesOf(parseConfig, { lease_ms: 'soon' })).toEqual([
      { path: 'service.lease_ms', message: 'Expected `service.lease_ms` to be a whole number of milliseconds' },
    ]);
  });

  it('follow a locale the embedding program set before the config loaded', async () => {
    const { parseConfig } = await freshConfigModules(() => 'ungültig');
    expect(await issuesOf(parseConfig, { port: 'x' })).toEqual([{ path: 'service.port', message: 'ungültig' }]);
  });
});
