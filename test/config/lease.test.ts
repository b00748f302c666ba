// service.lease_ms / service.lease_renew_ms: defaults unchanged, and a renewal that comes no
// sooner than the lease runs out is refused with a clear error naming the key (exit 78).
import { describe, expect, it } from 'vitest';
import { thrown } from '../harness/thrown.js';
import { LEASE_DEFAULTS } from '../../src/config/defaults.js';
import { loadConfig } from '../../src/config/load.js';
import { ExitCode, HooksError } from '../../src/errors.js';

const base = { env: {}, cwd: '/srv', execPath: '/usr/bin/node', flag: 'c.json', exists: () => true };
const load = (service: Record<string, unknown>) => loadConfig({ ...base, readFile: () => JSON.stringify({ service }) }).config.service;
const refusal = (service: Record<string, unknown>): HooksError => thrown(() => load(service), 'the config to be rejected');

describe('service.lease_ms and service.lease_renew_ms', () => {
  it('default to a 20 s lease renewed every 5 s', () => {
    expect(load({})).toMatchObject({ lease_ms: 20_000, lease_renew_ms: 5_000 });
    expect(LEASE_DEFAULTS).toEqual({ leaseMs: 20_000, renewMs: 5_000 });
  });

  it('take a shorter lease and renewal', () => {
    expect(load({ lease_ms: 4_000, lease_renew_ms: 1_000 })).toMatchObject({ lease_ms: 4_000, lease_renew_ms: 1_000 });
  });

  it.each([
    [{ lease_ms: 4_000, lease_renew_ms: 4_000 }, 'service.lease_renew_ms', /less than `service.lease_ms` \(4000\)/],
    [{ lease_ms: 4_000 }, 'service.lease_renew_ms', /\(5000\) to be less than `service.lease_ms` \(4000\)/],
    [{ lease_renew_ms: 30_000 }, 'service.lease_renew_ms', /less than `service.lease_ms` \(20000\)/],
    [{ lease_ms: 500, lease_renew_ms: 100 }, 'service.lease_ms', /at least 1000 ms/],
    [{ lease_ms: 2_000, lease_renew_ms: 10 }, 'service.lease_renew_ms', /at least 100 ms/],
    [{ lease_ms: 1_500.5 }, 'service.lease_ms', /whole number/],
    [{ lease_ms: '20s' }, 'service.lease_ms', /whole number/],
  ])('refuses %j with exit 78 at %s', (service, path, message) => {
    const error = refusal(service);
    expect(error).toBeInstanceOf(HooksError);
    expect(error.code).toBe('hooks.config.invalid');
    expect(error.exitCode).toBe(ExitCode.config);
    expect(error.details?.['path']).toBe(path);
    expect(error.message).toMatch(message);
  });
});
