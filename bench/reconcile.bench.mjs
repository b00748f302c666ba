// bench/reconcile: a no-op agents-sync pass over 20 instances (one ps + one batched inspect)
// against the anchor, a naive loop that inspects each container on its own, in the same run.
// Reports engine calls (target <= 2) and median wall time as a ratio to the anchor. Needs root.
import { reconcile } from '../dist/containers/reconcile.js';
import { containerName } from '../dist/containers/labels.js';
import { createEngine } from '../dist/containers/engine.js';
import { CLIENT, IMAGE, privateDockerd } from './dockerd.mjs';
import { median, report } from './lib.mjs';

const N = 20;
const RUNS = 15;
const service = `hkbench${process.pid}`;
const type = { mode: 'container', command: ['cat'], image: IMAGE, env: {}, mounts: [], network: 'none' };
const instances = Array.from({ length: N }, (_, i) => ({ name: i === 0 ? 'agent-default' : `agent-${i + 1}`, typeName: 'agent', type }));

const dockerd = await privateDockerd();
try {
  const engine = createEngine({ env: dockerd.env, bin: CLIENT });
  const created = await reconcile({ engine, serviceName: service, instances, concurrency: 8 });
  if (created.some((r) => r.action !== 'created' || r.error))
    throw new Error(`setup failed: ${JSON.stringify(created.filter((r) => r.error))}`);

  // One pass of each kind; returns { ms, calls }.
  const measure = async (pass) => {
    const before = engine.calls;
    const start = process.hrtime.bigint();
    await pass();
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, calls: engine.calls - before };
  };
  const noop = async () => {
    const results = await reconcile({ engine, serviceName: service, instances });
    if (results.some((r) => r.action !== 'unchanged')) throw new Error('the no-op pass changed something');
  };
  const naive = async () => {
    for (const i of instances)
      if ((await engine.inspect([containerName(service, i.name)])).length !== 1) throw new Error('naive: missing container');
  };
  const samples = { noop: [], naive: [] };
  for (let r = 0; r < RUNS + 2; r++) {
    const a = await measure(noop);
    const b = await measure(naive);
    if (r >= 2) {
      samples.noop.push(a);
      samples.naive.push(b);
    }
  }
  const calls = Math.max(...samples.noop.map((s) => s.calls));
  const naiveCalls = Math.max(...samples.naive.map((s) => s.calls));
  console.log(
    `reconcile engine calls per no-op pass over ${N} instances: ${calls} vs naive per-container inspect ${naiveCalls} = ${(calls / naiveCalls).toFixed(2)}x (target <= 2 calls) ${calls <= 2 ? 'ok' : 'OVER TARGET'}`,
  );
  report(
    `reconcile no-op pass over ${N} instances (median of ${RUNS}) vs naive per-container inspect loop`,
    median(samples.noop.map((s) => s.ms)),
    median(samples.naive.map((s) => s.ms)),
    1,
  );
  if (calls > 2) process.exitCode = 1;
} finally {
  await dockerd.stop();
}
