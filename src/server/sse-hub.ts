/**
 * Server-sent events: the open streams, and every event on its way to them. Each event is
 * first appended to the store's event log, which gives it an id that keeps increasing across
 * restarts; a client that reconnects with `Last-Event-ID` is sent what it missed from that log
 * before it joins the live stream. The append starts when the event is broadcast, so events
 * broadcast together can be logged together (the PostgreSQL log commits them at once); the
 * writes run on one serial chain, so a stream sees every event once, in id order, with no gap
 * between the replay and the live part. A comment every `keepAliveMs` keeps idle streams open.
 */
import type { ServerResponse } from 'node:http';
import type { StoredEvent } from '../tasks/store.js';
import type { Timers } from '../timers.js';
import { formatComment, formatRetry, formatSse } from './sse-frame.js';

export { formatSse } from './sse-frame.js';

/** Where events are logged: the store's event log. */
export interface EventLog {
  /** Append an event; resolves with its id. */
  appendEvent(type: string, data: Record<string, unknown>): Promise<StoredEvent>;
  /** Events after `id`, oldest first. */
  eventsAfter(id: number, limit: number): Promise<StoredEvent[]>;
}

/** Options for {@link createSseHub}. */
export interface SseHubOptions {
  /** The event log; without one, events carry no id and nothing is replayed. */
  log?: EventLog;
  /** Timers for the keep-alive comments. */
  timers?: Timers;
  /** Interval of the keep-alive comment, ms (default 15 s). */
  keepAliveMs?: number;
  /** Most events replayed to one reconnecting client (default 1000). */
  replayLimit?: number;
  /** Told when logging an event failed (the event is still sent, without an id). */
  onError?: (message: string) => void;
}

/** The hub. */
export interface SseHub {
  /** Register a stream (headers already written), replaying what it missed after `lastEventId`; returns its removal function. */
  add(res: ServerResponse, lastEventId?: number | null): () => void;
  /** Log an event and send it to every stream; `type` is added to the payload. */
  broadcast(type: string, data: Record<string, unknown>): void;
  /** Resolves once every event broadcast so far has been written. */
  flushed(): Promise<void>;
  /**
   * End every stream, after a `retry:` hint of `retryMs` when given. The hub stays closed: a
   * stream added later (a request already on its way) gets the hint and ends at once, so none is
   * left open for the server's close to wait on.
   */
  closeAll(retryMs?: number): void;
  /** Number of open streams. */
  readonly size: number;
}

/** The default keep-alive interval: at least one comment every 15 s. */
export const SSE_KEEPALIVE_MS = 15_000;

/** Build a hub. */
export function createSseHub(options: SseHubOptions = {}): SseHub {
  // Each open stream, with the last id its replay sent: a live event at or below it was sent already.
  const streams = new Map<ServerResponse, number>();
  const { log, timers } = options;
  const keepAliveMs = options.keepAliveMs ?? SSE_KEEPALIVE_MS;
  let chain: Promise<void> = Promise.resolve();
  let keepAlive: unknown;
  // Set by closeAll: the hub then ends each stream it is given, with this retry hint.
  let closed: { retryMs: number | undefined } | undefined;
  const endStream = (res: ServerResponse): void => {
    if (closed?.retryMs !== undefined) res.write(formatRetry(closed.retryMs));
    res.end();
  };
  const serial = (step: () => Promise<void> | void): void => {
    chain = chain.then(step).catch((error: unknown) => options.onError?.(`sse: ${(error as Error).message}`));
  };
  const tick = (): void => {
    for (const res of streams.keys()) res.write(formatComment('keep-alive'));
    keepAlive = timers?.setTimeout(tick, keepAliveMs);
  };
  const arm = (): void => {
    if (timers && keepAlive === undefined) keepAlive = timers.setTimeout(tick, keepAliveMs);
  };
  const disarm = (): void => {
    if (timers && keepAlive !== undefined && streams.size === 0) {
      timers.clearTimeout(keepAlive);
      keepAlive = undefined;
    }
  };
  const remove = (res: ServerResponse): void => {
    streams.delete(res);
    disarm();
  };
  return {
    add(res, lastEventId = null) {
      if (closed !== undefined) {
        endStream(res);
        return () => undefined;
      }
      let removed = false;
      const drop = (): void => {
        removed = true;
        remove(res);
      };
      res.on('close', drop);
      serial(async () => {
        let sent = 0;
        if (log && lastEventId !== null) {
          for (const e of await log.eventsAfter(lastEventId, options.replayLimit ?? 1000)) {
            res.write(formatSse(e.type, e.data, e.id));
            sent = e.id;
          }
        }
        if (removed || res.writableEnded) return;
        if (closed !== undefined) return endStream(res);
        streams.set(res, sent);
        arm();
      });
      return drop;
    },
    broadcast(type, data) {
      const payload = { ...data, type };
      const logged = log?.appendEvent(type, payload);
      logged?.catch(() => {}); // reported by the step below
      serial(async () => {
        let id: number | undefined;
        try {
          id = logged ? (await logged).id : undefined;
        } catch (error) {
          options.onError?.(`could not log the ${type} event: ${(error as Error).message}`);
        }
        const frame = formatSse(type, payload, id);
        // A stream that joined while this event was being logged may have had it in its replay.
        for (const [res, replayed] of streams) if (id === undefined || id > replayed) res.write(frame);
      });
    },
    flushed: () => chain,
    closeAll(retryMs) {
      closed = { retryMs };
      for (const res of streams.keys()) endStream(res);
      streams.clear();
      disarm();
    },
    get size() {
      return streams.size;
    },
  };
}
