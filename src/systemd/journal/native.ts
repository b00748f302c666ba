/**
 * The raw journal transport: the `systemd-journald` package's native binding
 * (`send(priority 0..7, 'KEY=value', ...)` → sd_journal_sendv(3)), loaded on first use, and
 * the check for the journal socket.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Where journald listens for native-protocol entries. */
export const JOURNAL_SOCKET = '/run/systemd/journal/socket';

type Binding = { send: (priority: number, ...fields: string[]) => number };
let binding: Binding | undefined;

/** Send one entry through sd_journal_sendv; returns its result (0, or a negative errno). */
export function nativeJournalSend(priority: number, fields: string[]): number {
  if (binding === undefined) {
    binding = createRequire(import.meta.url)('systemd-journald/build/Release/journal_send.node') as Binding;
  }
  return binding.send(priority, ...fields);
}

/** True when the journal socket exists (we run under systemd with journald reachable). */
export function journalSocketExists(): boolean {
  return existsSync(JOURNAL_SOCKET);
}
