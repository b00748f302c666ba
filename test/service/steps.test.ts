// The steps of `serve`, each on its own with fakes: stop signals buffered during start-up,
// the STATUS= line, the health checks, and boot over an in-memory store.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { SignalSource } from '../../src/runtime.js';
import { openStoreAndAgents, recoverLeftovers } from '../../src/service/boot.js';
import { createHealth, MAX_LAG_MS, PING_TIMEOUT_MS } from '../../src/service/health.js';
import { createFakeTime } from '../harness/fake-time.js';
import { listenForStop } from '../../src/service/signals.js';
import { createStatusLine, describeLoad } from '../../src/service/status.js';
import { createNotifier } from '../../src/systemd/notify/notify.js';
import { createJournalLogger } from '../../src/systemd/journal/journal.js';
import { systemClock } from '../../src/runtime.js';

// A signal source the test fires by hand.
function fakeSignals() {
  const handlers = new Map<string, (s: NodeJS.Signals) => void>();
  const source: SignalSource = {
    on(name, handler) {
      handlers.set(name, handler);
      return () => handlers.delete(name);
    },
  };
  return { source, fire: (name: NodeJS.Signals) => handlers.get(name)?.(name), installed: () => [...handlers.keys()].sort() };
}

describe('listenForStop', () => {
  it('buffers signals until routed, replays them in order, then forwards; uninstall removes both listeners', () => {
    const s = fakeSignals();
    const stop = listenForStop(s.source);
    expect(s.installed()).toEqual(['SIGINT', 'SIGTERM']);
    s.fire('SIGTERM');
    s.fire('SIGINT');
    expect(stop.early()).toEqual(['SIGTERM', 'SIGINT']);
    const seen: string[] = [];
    stop.route((sig) => seen.push(sig));
    expect(seen).toEqual(['SIGTERM', 'SIGINT']);
    s.fire('SIGTERM');
    expect(seen).toEqual(['SIGTERM', 'SIGINT', 'SIGTERM']);
    stop.uninstall();
    expect(s.installed()).toEqual([]);
  });
});

describe('the STATUS= line', () => {
  it('describes the load and drops repeats; STOPPING resets what counts as a repeat', () => {
    const sent: string[] = [];
    const line = createStatusLine(createNotifier({ env: { NOTIFY_SOCKET: '/run/n' }, transport: (t) => sent.push(t) }));
    expect([describeLoad(0, 0), describeLoad(1, 3)]).toEqual(['idle', '1 running, 3 queued']);
    line.status('idle');
    line.status('idle');
    line.stopping('stopping: draining 1 task');
    line.status('stopping: draining 1 task');
    line.status('idle');
    expect(sent).toEqual(['STATUS=idle', 'STOPPING=1\nSTATUS=stopping: draining 1 task', 'STATUS=idle']);
  });
});

describe('createHealth', () => {
  const base = { dispatcher: { busy: () => [], queued: () => 2 }, lagMs: () => 0, state: () => 'running', accepting: () => true };

  it('is ok when the store answers, the loop is not stuck and it accepts work', async () => {
    const h = createHealth({ ...base, store: { ping: async () => true } });
    expect(await h.report()).toEqual({
      ok: true,
      state: 'running',
      running: 0,
      queued: 2,
      checks: { store: true, event_loop: true, accepting: true },
    });
    expect(await h.alive()).toBe(true);
  });

  it('a draining service is not ok for /healthz but still alive for the watchdog', async () => {
    const h = createHealth({ ...base, store: { ping: async () => true }, state: () => 'draining', accepting: () => false });
    expect(await h.report()).toMatchObject({ ok: false, state: 'draining', checks: { accepting: false } });
    expect(await h.alive()).toBe(true);
  });

  it('a store that throws, or a stuck event loop, fails both; the store is pinged once per call', async () => {
    let pings = 0;
    const broken = createHealth({
      ...base,
      store: {
        ping: async () => {
          pings += 1;
          throw new Error('locked');
        },
      },
    });
    expect(await broken.report()).toMatchObject({ ok: false, checks: { store: false } });
    expect(pings).toBe(1);
    expect(await broken.alive()).toBe(false);
    const stuck = createHealth({ ...base, store: { ping: async () => true }, lagMs: () => MAX_LAG_MS });
    expect(await stuck.report()).toMatchObject({ ok: false, checks: { event_loop: false } });
    expect(await stuck.alive()).toBe(false);
  });

  it('a remote store that is down fails /healthz but not the watchdog; a stuck loop still does', async () => {
    let pings = 0;
    const ping = async () => {
      pings += 1;
      throw new Error('connect ECONNREFUSED');
    };
    const remote = createHealth({ ...base, store: { ping }, remoteStore: true });
    expect(await remote.report()).toMatchObject({ ok: false, checks: { store: false } });
    expect(await remote.alive()).toBe(true);
    expect(pings).toBe(1);
    const stuck = createHealth({ ...base, store: { ping }, remoteStore: true, lagMs: () => MAX_LAG_MS });
    expect(await stuck.alive()).toBe(false);
  });

  it('a store that never answers its ping (packets dropped) fails the store check at PING_TIMEOUT_MS, not never', async () => {
    const time = createFakeTime();
    const h = createHealth({ ...base, store: { ping: () => new Promise<boolean>(() => {}) }, timers: time.timers });
    const report = h.report();
    await time.advance(PING_TIMEOUT_MS - 1);
    let settled = false;
    void report.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await time.advance(1);
    expect(await report).toMatchObject({ ok: false, checks: { store: false, event_loop: true } });
    expect(time.pending()).toBe(0);
  });
});

describe('boot', () => {
  const logger = () => {
    const lines: string[] = [];
    return { lines, logger: createJournalLogger({ env: {}, stderr: { write: (t: string) => void lines.push(t) }, fields: {} }) };
  };
  const config = (): Config => {
    const { config: c } = loadConfig({ env: {}, cwd: '/', execPath: '/usr/bin/node', exists: () => false });
    return { ...c, service: { ...c.service, db: ':memory:' } };
  };

  it('opens the store, syncs the configured instances, and recovers a crashed run', async () => {
    const { logger: log, lines } = logger();
    const booted = await openStoreAndAgents(config(), systemClock, log);
    expect([...booted.instances.keys()].sort()).toEqual(['dev-2', 'dev-default']);
    const { row } = await booted.store.enqueue({ agent: 'dev-default', payload: {} });
    await booted.store.claim(row.id);
    const killed: string[] = [];
    const report = await recoverLeftovers(
      booted,
      { processGroup: () => void killed.push('pg'), inContainer: async () => void killed.push('ct') },
      { requeue: true, maxAttempts: 3 },
      log,
    );
    expect(report.crashed).toEqual([row.id]);
    expect(report.requeued).toHaveLength(1);
    expect(lines.join('')).toContain(`task ${row.id} was running when the service died`);
    await booted.store.close();
  });
});
