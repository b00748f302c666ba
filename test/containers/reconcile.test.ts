// The reconcile decision table, row by row, as a pure function (no engine).
import { describe, expect, it } from 'vitest';
import type { AgentInstance } from '../../src/config/instances.js';
import { AGENT_KEY_DEFAULTS } from '../../src/config/agent-keys.js';
import { desiredContainers, leftAlone, runArgs } from '../../src/containers/desired.js';
import { planReconcile, toObserved, type ObservedContainer } from '../../src/containers/reconcile-plan.js';
import { formatFleetLines, leftAloneLine } from '../../src/containers/format.js';
import { splitByHost } from '../../src/tasks/hosts.js';

const type = (over: Partial<AgentInstance['type']> = {}): AgentInstance['type'] => ({
  ...AGENT_KEY_DEFAULTS,
  mode: 'container',
  command: ['agent'],
  image: 'img',
  env: { K: 'v' },
  mounts: [],
  network: 'none',
  ...over,
});
const instances: AgentInstance[] = [
  { name: 'a-default', typeName: 'a', type: type() },
  { name: 'a-2', typeName: 'a', type: type() },
  { name: 'p-default', typeName: 'p', type: type({ mode: 'process', image: null }) },
];
const desired = desiredContainers('svc', instances);
const seen = (instance: string, over: Partial<ObservedContainer> = {}): ObservedContainer => {
  const d = desired.find((x) => x.instance === instance);
  return { id: `id-${instance}`, name: `svc-${instance}`, instance, hash: d?.hash ?? 'h', state: 'running', startedAt: 't', ...over };
};
const actions = (observed: ObservedContainer[]) => planReconcile(desired, observed).map((s) => `${s.instance} ${s.container} ${s.action}`);

describe('desiredContainers', () => {
  it('keeps container-mode instances, defaults and pool members, with names and labels', () => {
    expect(desired.map((d) => d.container)).toEqual(['svc-a-default', 'svc-a-2']);
    expect(desired[0]?.labels).toEqual({
      'hooksctl.service': 'svc',
      'hooksctl.instance': 'a-default',
      'hooksctl.config-hash': desired[0]?.hash,
    });
  });
  it('builds run arguments with --init, --restart unless-stopped, labels, env, network and an idle command', () => {
    const d = desiredContainers('svc', [{ name: 'x', typeName: 'x', type: type({ mounts: ['/h:/c'] }) }])[0];
    expect(d && runArgs(d)).toEqual([
      '--name',
      'svc-x',
      '--init',
      '--restart',
      'unless-stopped',
      '--label',
      'hooksctl.service=svc',
      '--label',
      'hooksctl.instance=x',
      '--label',
      `hooksctl.config-hash=${d?.hash}`,
      '--env',
      'K=v',
      '--volume',
      '/h:/c',
      '--network',
      'none',
      'img',
      'sleep',
      '2147483647',
    ]);
  });
});

describe('planReconcile', () => {
  it('absent → created', () => {
    expect(actions([])).toEqual(['a-default svc-a-default created', 'a-2 svc-a-2 created']);
  });
  it('matching and running → unchanged; matching and stopped or paused → started', () => {
    expect(actions([seen('a-default'), seen('a-2', { state: 'stopped' })])).toEqual([
      'a-default svc-a-default unchanged',
      'a-2 svc-a-2 started',
    ]);
    expect(actions([seen('a-default', { state: 'paused' }), seen('a-2')])).toEqual([
      'a-default svc-a-default started',
      'a-2 svc-a-2 unchanged',
    ]);
  });
  it('drifted hash or name, running or stopped → recreated', () => {
    expect(actions([seen('a-default', { hash: 'old' }), seen('a-2', { hash: 'old', state: 'stopped' })])).toEqual([
      'a-default svc-a-default recreated',
      'a-2 svc-a-2 recreated',
    ]);
    expect(actions([seen('a-default', { name: 'other-name' }), seen('a-2')])[0]).toBe('a-default svc-a-default recreated');
  });
  it('labelled but no longer desired → removed, after the desired steps', () => {
    expect(actions([seen('a-default'), seen('a-2'), seen('a-3', { hash: 'x' })])).toEqual([
      'a-default svc-a-default unchanged',
      'a-2 svc-a-2 unchanged',
      'a-3 svc-a-3 removed',
    ]);
  });
  it('two containers for one instance: keeps the one with the desired name, removes the other', () => {
    expect(actions([seen('a-2', { id: 'dup', name: 'svc-a-2-old' }), seen('a-2'), seen('a-default')])).toEqual([
      'a-default svc-a-default unchanged',
      'a-2 svc-a-2 unchanged',
      'a-2 svc-a-2-old removed',
    ]);
  });
  it('a labelled container without an instance label is removed under its name', () => {
    expect(actions([seen('a-default'), seen('a-2'), seen('x', { instance: null, name: 'svc-stray' })])[2]).toBe(
      'svc-stray svc-stray removed',
    );
  });
});

describe('other hosts: the instances a host does not run', () => {
  const fleet: AgentInstance[] = [
    { name: 'any', typeName: 'a', type: type() },
    { name: 'on-a', typeName: 'a', type: type(), host: 'host-a' },
    { name: 'on-b', typeName: 'a', type: type(), host: 'host-b' },
    { name: 'on-c', typeName: 'a', type: type(), host: 'host-c' },
    { name: 'proc-b', typeName: 'p', type: type({ mode: 'process', image: null }), host: 'host-b' },
  ];
  const { own, elsewhere } = splitByHost(fleet, 'host-a');
  const others = new Set(elsewhere.map((i) => i.name));
  const mine = desiredContainers('svc', own);
  const box = (instance: string, over: Partial<ObservedContainer> = {}): ObservedContainer => ({
    id: `id-${instance}`,
    name: `svc-${instance}`,
    instance,
    hash: mine.find((d) => d.instance === instance)?.hash ?? 'other',
    state: 'running',
    startedAt: 't',
    ...over,
  });

  it('plans only this host’s instances: another host’s containers on a shared engine are neither desired nor removed', () => {
    const observed = [box('any'), box('on-b'), box('on-c', { state: 'stopped' }), box('gone')];
    expect(planReconcile(mine, observed, others).map((s) => `${s.instance} ${s.action}`)).toEqual([
      'any unchanged',
      'on-a created',
      'gone removed',
    ]);
    // Without the set, the same fleet would remove them: the set is what protects them.
    expect(planReconcile(mine, observed).map((s) => `${s.instance} ${s.action}`)).toContain('on-b removed');
  });

  it('says which container-mode instances were left alone, and on which hosts', () => {
    const lines = leftAlone('svc', elsewhere);
    expect(lines).toEqual([
      { instance: 'on-b', container: 'svc-on-b', action: 'other-host', host: 'host-b' },
      { instance: 'on-c', container: 'svc-on-c', action: 'other-host', host: 'host-c' },
    ]);
    expect(formatFleetLines(lines)).toEqual(['on-b svc-on-b other-host host-b', 'on-c svc-on-c other-host host-c']);
    expect(leftAloneLine(lines)).toBe('2 instances on other hosts left alone: host-b, host-c');
    expect(leftAloneLine(lines.slice(0, 1))).toBe('1 instance on other hosts left alone: host-b');
    expect(leftAloneLine([{ instance: 'x', container: 'svc-x', action: 'created' }])).toBeNull();
  });
});

describe('toObserved', () => {
  const base = {
    id: 'i',
    name: 'n',
    status: 'running',
    running: true,
    paused: false,
    startedAt: 's',
    labels: { 'hooksctl.instance': 'a', 'hooksctl.config-hash': 'h' },
  };
  it('fills the running column from the inspect state', () => {
    expect(toObserved(base)).toEqual({ id: 'i', name: 'n', instance: 'a', hash: 'h', state: 'running', startedAt: 's' });
    expect(toObserved({ ...base, running: false, status: 'exited' }).state).toBe('stopped');
    expect(toObserved({ ...base, running: false, status: 'restarting' }).state).toBe('running');
    expect(toObserved({ ...base, paused: true }).state).toBe('paused');
    expect(toObserved({ ...base, labels: {} })).toMatchObject({ instance: null, hash: null });
  });
});
