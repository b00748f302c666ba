/** A bounded tail of a text stream: keeps the last `limit` characters for the run record. */

/** Keeps only the last `limit` characters of what is appended. */
export class TextTail {
  private chunks: string[] = [];
  private size = 0;

  /** @param limit - the most characters kept (0 keeps nothing). */
  constructor(private readonly limit: number) {}

  /** Append a chunk, dropping the oldest text past the limit. */
  push(chunk: string): void {
    if (this.limit <= 0 || chunk === '') return;
    this.chunks.push(chunk.length > this.limit ? chunk.slice(-this.limit) : chunk);
    this.size += Math.min(chunk.length, this.limit);
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  /** The kept text: at most `limit` characters, the most recent ones. */
  toString(): string {
    const text = this.chunks.join('');
    return text.length > this.limit ? text.slice(-this.limit) : text;
  }
}
