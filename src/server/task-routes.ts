/** POST /task, GET /tasks/:id, GET /tasks, POST /cancel/:id. */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { toView } from '../tasks/types.js';
import { admit } from './admit.js';
import { parseTaskListQuery } from './task-list-query.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.js';
import type { ServerDeps } from './deps.js';

const taskBody = z.strictObject({
  agent: z.string().min(1).max(128),
  payload: z
    .unknown()
    .optional()
    .refine((p) => !jsonTooDeep(p, MAX_JSON_DEPTH - 1), `Expected the payload nested at most ${MAX_JSON_DEPTH - 1} levels deep`),
});

const idParams = z.object({ id: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'Expected a task id (a UUID)') });

/** Register the task routes. */
export function registerTaskRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: { agent: string; payload?: unknown } }>('/task', { schema: { body: taskBody } }, async (req, reply) => {
    const { agent, payload } = req.body;
    if (!deps.agents.has(agent))
      return reply
        .code(404)
        .send({ error: 'unknown_agent', message: `No agent instance named ${JSON.stringify(agent)}`, agents: [...deps.agents] });
    const { row } = await deps.store.enqueue({ agent, payload: payload ?? null, source: 'http' });
    return reply.code(202).send(admit(deps, row));
  });

  app.get<{ Params: { id: string } }>('/tasks/:id', { schema: { params: idParams } }, async (req, reply) => {
    const row = await deps.store.get(req.params.id);
    if (!row) return reply.code(404).send({ error: 'not_found', message: `No task ${req.params.id}` });
    return toView(row);
  });

  // Every task newest first (or those in the given statuses), a page at a time: pass `next_before` back as `before`.
  app.get<{ Querystring: Record<string, unknown> }>('/tasks', async (req, reply) => {
    const parsed = parseTaskListQuery(req.query);
    if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.message });
    const [page, counts] = await Promise.all([deps.store.page(parsed.query), deps.store.counts()]);
    return { tasks: page.rows.map(toView), next_before: page.nextBefore === null ? null : String(page.nextBefore), counts };
  });

  app.post<{ Params: { id: string } }>('/cancel/:id', { schema: { params: idParams } }, async (req, reply) => {
    const result = await deps.dispatcher.cancel(req.params.id, 'user');
    if (result === 'not-found') return reply.code(404).send({ error: 'not_found', message: `No task ${req.params.id}` });
    const row = await deps.store.get(req.params.id);
    if (result === 'already-ended')
      return reply.code(409).send({ error: 'already_ended', message: `Task ${req.params.id} already ended`, status: row?.status });
    // `host`: where it runs (or ran); `cancel_requested`: another host runs it, and stops it on the mark.
    const status = result === 'cancelled' ? 'cancelled' : result === 'requested' ? 'cancel_requested' : 'cancelling';
    return reply.code(202).send({ id: req.params.id, status, host: row?.host ?? null });
  });
}
