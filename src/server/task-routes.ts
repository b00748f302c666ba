/** POST /task, GET /tasks/:id, GET /tasks, POST /cancel/:id. */
import * as z from 'zod/mini';
import type { HttpApp } from './http/app.js';
import { toView } from '../tasks/types.js';
import { admit } from './admit.js';
import { parseTaskListQuery } from './task-list-query.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.js';
import type { ServerDeps } from './deps.js';
import { taskIdParams, validatePart } from './validate.js';

const taskBody = z.strictObject({
  agent: z.string().check(z.minLength(1), z.maxLength(128)),
  payload: z
    .optional(z.unknown())
    .check(z.refine((p) => !jsonTooDeep(p, MAX_JSON_DEPTH - 1), `Expected the payload nested at most ${MAX_JSON_DEPTH - 1} levels deep`)),
});

/** Register the task routes. */
export function registerTaskRoutes(app: HttpApp, deps: ServerDeps): void {
  app.post('/task', async (req, reply) => {
    const { agent, payload } = validatePart(taskBody, 'body', req.body);
    if (!deps.agents.has(agent))
      return reply
        .code(404)
        .send({ error: 'unknown_agent', message: `No agent instance named ${JSON.stringify(agent)}`, agents: [...deps.agents] });
    const { row } = await deps.store.enqueue({ agent, payload: payload ?? null, source: 'http' });
    return reply.code(202).send(admit(deps, row));
  });

  app.get('/tasks/:id', async (req, reply) => {
    const { id } = validatePart(taskIdParams, 'params', req.params);
    const row = await deps.store.get(id);
    if (!row) return reply.code(404).send({ error: 'not_found', message: `No task ${id}` });
    return toView(row);
  });

  // Every task newest first (or those in the given statuses), a page at a time: pass `next_before` back as `before`.
  app.get('/tasks', async (req, reply) => {
    const parsed = parseTaskListQuery(req.query);
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.message });
    const [page, counts] = await Promise.all([deps.store.page(parsed.query), deps.store.counts()]);
    return { tasks: page.rows.map(toView), next_before: page.nextBefore === null ? null : String(page.nextBefore), counts };
  });

  app.post('/cancel/:id', async (req, reply) => {
    const { id } = validatePart(taskIdParams, 'params', req.params);
    const result = await deps.dispatcher.cancel(id, 'user');
    if (result === 'not-found') return reply.code(404).send({ error: 'not_found', message: `No task ${id}` });
    const row = await deps.store.get(id);
    if (result === 'already-ended')
      return reply.code(409).send({ error: 'already_ended', message: `Task ${id} already ended`, status: row?.status });
    // `host`: where it runs (or ran); `cancel_requested`: another host runs it, and stops it on the mark.
    const status = result === 'cancelled' ? 'cancelled' : result === 'requested' ? 'cancel_requested' : 'cancelling';
    return reply.code(202).send({ id, status, host: row?.host ?? null });
  });
}
