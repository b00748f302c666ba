/** A FIFO of task ids for one agent instance; the dispatcher runs at most one at a time from it. */

/** One agent's queue. */
export class AgentQueue {
  private readonly ids: string[] = [];

  /** Append a task id (ignored if already queued). */
  push(id: string): void {
    if (!this.ids.includes(id)) this.ids.push(id);
  }

  /** True when `id` waits here. */
  has(id: string): boolean {
    return this.ids.includes(id);
  }

  /** Take the next id, if any. */
  shift(): string | undefined {
    return this.ids.shift();
  }

  /** Remove an id; true if it was queued here. */
  remove(id: string): boolean {
    const i = this.ids.indexOf(id);
    if (i < 0) return false;
    this.ids.splice(i, 1);
    return true;
  }

  /** How many ids wait. */
  get size(): number {
    return this.ids.length;
  }
}
