// Reconcile against a real dockerd: created, unchanged (no container touched, ≤ 2 engine calls),
// started, recreated, removed, one failing instance, and containers-down with pool members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/containers/reconcile.js';
import { containersDown } from '../../src/containers/down.js';
import { createEngine, type EngineTrace } from '../../src/containers/engine.js';
import { startDocker, type DockerSandbox } from '../harness/docker.js';
import { busyboxType, containerState, withFleet } from '../harness/fleet.js';

let dk: DockerSandbox;
beforeAll(async () => {
  dk = await startDocker();
});
afterAll(async () => {
  await dk?.stop();
});

const engineFor = (trace?: EngineTrace[]) =>
  createEngine({
    env: dk.env,
    bin: dk.bin,
    ...(trace
      ? {
          onCall: (t: EngineTrace) => {
            trace.push(t);
          },
        }
      : {}),
  });
const summary = (rs: { instance: string; action: string; error?: string }[]) =>
  rs.map((r) => `${r.instance} ${r.action}${r.error ? ` ERROR ${r.error}` : ''}`);

describe('containers: reconcile against a real engine', () => {
  it('creates every instance (pool included), then a second pass is a no-op in two engine calls', () =>
    withFleet(async (fleet) => {
      const instances = fleet.write({ bb: busyboxType(), other: busyboxType({ env: { AGENT_FLAVOUR: 'other' } }) }, [
        { name: 'bb-2', type: 'bb' },
        { name: 'bb-3', type: 'bb' },
      ]);
      const first = await reconcile({ engine: engineFor(), serviceName: fleet.serviceName, instances });
      expect(summary(first)).toEqual(['bb-default created', 'other-default created', 'bb-2 created', 'bb-3 created']);
      const names = first.map((r) => r.container);
      expect(names).toContain(`${fleet.serviceName}-bb-2`);
      const before = await Promise.all(names.map((n) => containerState(dk, n)));
      expect(before.every((s) => s?.running)).toBe(true);
      const inspected = JSON.parse(String((await dk.docker(['inspect', names[0] ?? '?'])).stdout))[0];
      expect(inspected.HostConfig).toMatchObject({ Init: true, RestartPolicy: { Name: 'unless-stopped' }, NetworkMode: 'none' });
      expect(inspected.Config.Labels).toMatchObject({ 'hooksctl.service': fleet.serviceName, 'hooksctl.instance': 'bb-default' });

      const trace: EngineTrace[] = [];
      const engine = engineFor(trace);
      const second = await reconcile({ engine, serviceName: fleet.serviceName, instances });
      expect(summary(second)).toEqual(['bb-default unchanged', 'other-default unchanged', 'bb-2 unchanged', 'bb-3 unchanged']);
      expect(engine.calls).toBeLessThanOrEqual(2);
      expect(trace.map((t) => t.args[0])).toEqual(['ps', 'inspect']);
      expect(await Promise.all(names.map((n) => containerState(dk, n)))).toEqual(before);
    }));

  it('started after docker stop, recreated after an env change, removed when a pool member goes', () =>
    withFleet(async (fleet) => {
      let instances = fleet.write({ bb: busyboxType() }, [
        { name: 'bb-2', type: 'bb' },
        { name: 'bb-3', type: 'bb' },
      ]);
      const engine = engineFor();
      await reconcile({ engine, serviceName: fleet.serviceName, instances });
      const name = (i: string) => `${fleet.serviceName}-${i}`;
      const idOf = async (i: string) => (await containerState(dk, name(i)))?.id;
      const ids = { d: await idOf('bb-default'), two: await idOf('bb-2') };

      expect((await dk.docker(['stop', '-t', '1', name('bb-2')])).exitCode).toBe(0);
      expect(summary(await reconcile({ engine, serviceName: fleet.serviceName, instances }))).toEqual([
        'bb-default unchanged',
        'bb-2 started',
        'bb-3 unchanged',
      ]);
      expect(await containerState(dk, name('bb-2'))).toMatchObject({ id: ids.two, running: true });

      instances = fleet.write({ bb: busyboxType({ env: { AGENT_FLAVOUR: 'changed' } }) }, [
        { name: 'bb-2', type: 'bb' },
        { name: 'bb-3', type: 'bb' },
      ]);
      expect(summary(await reconcile({ engine, serviceName: fleet.serviceName, instances, stopTimeoutSec: 1 }))).toEqual([
        'bb-default recreated',
        'bb-2 recreated',
        'bb-3 recreated',
      ]);
      const recreated = await containerState(dk, name('bb-default'));
      expect(recreated?.running).toBe(true);
      expect(recreated?.id).not.toBe(ids.d);
      expect(String((await dk.docker(['exec', name('bb-default'), 'sh', '-c', 'echo $AGENT_FLAVOUR'])).stdout).trim()).toBe('changed');

      instances = fleet.write({ bb: busyboxType({ env: { AGENT_FLAVOUR: 'changed' } }) }, [{ name: 'bb-2', type: 'bb' }]);
      expect(summary(await reconcile({ engine, serviceName: fleet.serviceName, instances, stopTimeoutSec: 1 }))).toEqual([
        'bb-default unchanged',
        'bb-2 unchanged',
        'bb-3 removed',
      ]);
      expect(await containerState(dk, name('bb-3'))).toBeNull();
    }));

  it('a dry run reports the plan and changes nothing', () =>
    withFleet(async (fleet) => {
      const instances = fleet.write({ bb: busyboxType() });
      const engine = engineFor();
      expect(summary(await reconcile({ engine, serviceName: fleet.serviceName, instances, dryRun: true }))).toEqual(['bb-default created']);
      expect(engine.calls).toBe(1);
      expect(await containerState(dk, `${fleet.serviceName}-bb-default`)).toBeNull();
    }));

  it('one failing instance is reported while the others converge', () =>
    withFleet(async (fleet) => {
      const instances = fleet.write({ good: busyboxType(), bad: busyboxType({ network: 'hooks-no-such-network' }) }, [
        { name: 'good-2', type: 'good' },
      ]);
      const results = await reconcile({ engine: engineFor(), serviceName: fleet.serviceName, instances });
      expect(results.map((r) => [r.instance, r.action, r.error === undefined])).toEqual([
        ['good-default', 'created', true],
        ['bad-default', 'created', false],
        ['good-2', 'created', true],
      ]);
      expect((await containerState(dk, `${fleet.serviceName}-good-2`))?.running).toBe(true);
    }));

  it('containers-down stops every managed container, pool members included; agents-sync brings them back', () =>
    withFleet(async (fleet) => {
      const instances = fleet.write({ bb: busyboxType() }, [
        { name: 'bb-2', type: 'bb' },
        { name: 'bb-3', type: 'bb' },
      ]);
      const engine = engineFor();
      await reconcile({ engine, serviceName: fleet.serviceName, instances });
      expect((await dk.docker(['stop', '-t', '1', `${fleet.serviceName}-bb-3`])).exitCode).toBe(0);
      const down = await containersDown({ engine, serviceName: fleet.serviceName, instances, timeoutSec: 1 });
      expect(summary(down)).toEqual(['bb-default stopped', 'bb-2 stopped', 'bb-3 already-stopped']);
      for (const r of down) expect((await containerState(dk, r.container))?.running).toBe(false);
      expect(summary(await reconcile({ engine, serviceName: fleet.serviceName, instances }))).toEqual([
        'bb-default started',
        'bb-2 started',
        'bb-3 started',
      ]);
      for (const r of down) expect((await containerState(dk, r.container))?.running).toBe(true);
    }));
});
