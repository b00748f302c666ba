/** Server-sent events: a hub of open streams, broadcast, and close-all for the drain. */
import type { ServerResponse } from 'node:http';

/** Format one SSE frame (pure). `data` is JSON-encoded, so it never holds a raw newline. */
export function formatSse(event: string, data: unknown): string {
  return `event: ${event.replace(/[\r\n]/g, '')}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The hub. */
export interface SseHub {
  /** Register a stream (headers already written); returns its removal function. */
  add(res: ServerResponse): () => void;
  /** Send an event to every stream. */
  broadcast(event: string, data: unknown): void;
  /** End every stream. */
  closeAll(): void;
  /** Number of open streams. */
  readonly size: number;
}

/** Build a hub. */
export function createSseHub(): SseHub {
  const streams = new Set<ServerResponse>();
  return {
    add(res) {
      streams.add(res);
      const remove = () => {
        streams.delete(res);
      };
      res.on('close', remove);
      return remove;
    },
    broadcast(event, data) {
      const frame = formatSse(event, data);
      for (const res of streams) res.write(frame);
    },
    closeAll() {
      for (const res of streams) res.end();
      streams.clear();
    },
    get size() {
      return streams.size;
    },
  };
}
