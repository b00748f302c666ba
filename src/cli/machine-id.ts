/** The machine id (/etc/machine-id): this host's default id when `service.host_id` is not set (serve, the container verbs). */
import { readFileSync } from 'node:fs';

/** The machine id file's text, or undefined where there is none. */
export function readMachineId(): string | undefined {
  try {
    return readFileSync('/etc/machine-id', 'utf8');
  } catch {
    return undefined;
  }
}
