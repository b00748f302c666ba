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

// What a log is sent as.
const LOG_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } as const;

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
    // Opened, then checked on the open file: a log pruned after the check cannot turn into a reset.
    const file = path === null ? null : await openRegular(path);
    if (path === null || (file === null && !(follow && (row.status === 'queued' || row.status === 'running'))))
      return reply
        .code(404)
        .send({ error: 'no_output', message: `Task ${row.id} has no output log (it wrote nothing, or the log was pruned)` });
    if (!follow && file !== null) {
      // HEAD: the headers, with how long the log is now; nothing is read.
      if (req.raw.method === 'HEAD') {
        await file.handle.close();
        openStream(reply, { ...LOG_HEADERS, 'content-length': String(file.size) });
        return;
      }
      return reply
        .type(LOG_HEADERS['content-type'])
        .header('x-content-type-options', LOG_HEADERS['x-content-type-options'])
        .send(file.handle.createReadStream());
    }
    await file?.handle.close();
    return streamFollow(reply, path, async () => {
      const now = await deps.store.get(row.id);
      return now === undefined || (now.status !== 'queued' && now.status !== 'running');
    });
  });
}

// Stream the log as it grows until `ended()` and no more bytes came, or the client went away.
async function streamFollow(reply: Reply, path: string, ended: () => Promise<boolean>): Promise<void> {
  if (!openStream(reply, { ...LOG_HEADERS, 'cache-control': 'no-cache' })) return;
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

// Write the bytes of `path` after `offset`; returns the new offset (unchanged when the file is missing or not a regular file).
async function copyNew(path: string, offset: number, write: (chunk: Buffer) => void): Promise<number> {
  const file = await openRegular(path);
  if (file === null) return offset;
  const { handle } = file;
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

// The open log and its size, or null when it is missing or not a regular file.
async function openRegular(path: string): Promise<{ handle: import('node:fs/promises').FileHandle; size: number } | null> {
  const fs = await fsPromises();
  // O_NONBLOCK: a fifo in the log directory must not hold the open (a thread) until a writer comes; no effect on a regular file.
  const handle = await fs.open(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK).catch(() => null);
  if (handle === null) return null;
  const stat = await handle.stat().catch(() => null);
  if (stat?.isFile() === true) return { handle, size: stat.size };
  await handle.close();
  return null;
}
