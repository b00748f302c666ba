/** Reading the fleet: one `ps` (by service label) and one batched `inspect`, never a call per container. */
import type { ContainerEngine } from './engine.js';
import { LABEL_SERVICE } from './labels.js';
import { toObserved, type ObservedContainer } from './reconcile-plan.js';

/** Every container labelled with `serviceName`, in two engine calls at most (one when there are none). */
export async function observeFleet(engine: ContainerEngine, serviceName: string, signal?: AbortSignal): Promise<ObservedContainer[]> {
  const ids = await engine.list([`${LABEL_SERVICE}=${serviceName}`], signal);
  return (await engine.inspect(ids, signal)).map(toObserved);
}
