/**
 * GET /tasks/:id/output: the task's full output log as text/plain. With `?follow=1` the response
 * stays open and streams what the agent writes until the task has ended and the log is read to
 * its end (like `tail -f` that stops by itself).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod/mini';
import { taskLogPath } from '../tasks/output-log.js';
import { fsPromises } from './lazy-fs.js';
import type { ServerDeps } from './deps.js';
import type { HttpApp } from './http/app.js';
import { openStream, type Reply } from './http/reply.js';
import { taskIdParams, validatePart } from './validate.js';

const query = z.object({ follow: z.optional(z.enum(['0', '1', 'true', 'false'])) });

/** How often a follow checks the log and the task's status, in ms. */
export const FOLLOW_POLL_MS = 200;

/** Register the output route (when the service keeps output logs). */
export function registerOutputRoute(app: HttpApp, deps: ServerDeps): void {
  const dir = deps.outputLogDir;
  if (dir === undefined) return;
  app.get('/tasks/:id/output', async (req, reply) => {
    const { id } = validatePart(taskIdParams, 'params', req.params);
    const { follow: followed } = validatePart(query, 'querystring', req.query);
    const row = await deps.store.get(id);
    if (!row) return reply.code(404).send({ error: 'not_found', message: `No task ${id}` });
    const path = taskLogPath(dir, row.id);
    const follow = followed === '1' || followed === 'true';
    const exists = path !== null && (await (await fsPromises()).stat(path).catch(() => null))?.isFile() === true;
    if (path === null || (!exists && !(follow && (row.status === 'queued' || row.status === 'running'))))
      return reply
        .code(404)
        .send({ error: 'no_output', message: `Task ${row.id} has no output log (it wrote nothing, or the log was pruned)` });
    if (!follow) return reply.type('text/plain; charset=utf-8').send((await import('node:fs')).createReadStream(path));
    return streamFollow(reply, path, async () => {
      const now = await deps.store.get(row.id);
      return now === undefined || (now.status !== 'queued' && now.status !== 'running');
    });
  });
}

// Stream the log as it grows until `ended()` and no more bytes came, or the client went away.
async function streamFollow(reply: Reply, path: string, ended: () => Promise<boolean>): Promise<void> {
  if (!openStream(reply, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }))
    return;
  const res = reply.raw;
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  let offset = 0;
  try {
    for (;;) {
      const done = await ended();
      offset = await copyNew(path, offset, (chunk) => res.write(chunk));
      if (done || gone.signal.aborted) break;
      await sleep(FOLLOW_POLL_MS, undefined, { signal: gone.signal }).catch(() => undefined);
    }
  } finally {
    res.end();
  }
}

// Write the bytes of `path` after `offset`; returns the new offset (unchanged when the file is missing).
async function copyNew(path: string, offset: number, write: (chunk: Buffer) => void): Promise<number> {
  const handle = await (await fsPromises()).open(path, 'r').catch(() => null);
  if (handle === null) return offset;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let at = offset;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      if (bytesRead === 0) return at;
      write(Buffer.from(buffer.subarray(0, bytesRead)));
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
