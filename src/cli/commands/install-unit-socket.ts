/**
 * The socket half of `install-unit` (socket activation): generate and check `<name>.socket`
 * beside the service, and find a socket unit left behind once `unit.socket_activation` is off,
 * which would otherwise keep holding the port the service now binds itself.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Env } from '../../runtime.js';
import { analyzeVerify } from '../../systemd/unit/analyze.js';
import type { UnitCheckReport } from '../../systemd/unit/check-file.js';
import { generateSocketUnit, isGeneratedUnit, socketFileFor } from '../../systemd/unit/generate-socket.js';
import { checkSocketFile } from '../../systemd/unit/validate-socket.js';

/** The socket unit to install beside `serviceFile`, or null when socket activation is off. */
export function socketUnitFor(config: Config, serviceFile: string): { file: string; text: string } | null {
  if (!config.unit.socket_activation) return null;
  return { file: socketFileFor(serviceFile), text: generateSocketUnit({ config, serviceFile }) };
}

/** Check the generated socket text written at `path` (systemd-analyze verify when `analyze`). */
export function checkGeneratedSocket(
  path: string,
  text: string,
  serviceFile: string,
  config: Config,
  o: { scope: 'user' | 'system'; env: Env; analyze: boolean },
): Promise<UnitCheckReport> {
  return checkSocketFile({
    file: path,
    text,
    socketFile: socketFileFor(serviceFile),
    serviceFile,
    listen: { host: config.service.host, port: config.service.port },
    verify: o.analyze ? analyzeVerify(path, { scope: o.scope, env: o.env }) : null,
  });
}

/** A `<name>.socket` in the unit dir while socket activation is off: ours (generated) or someone else's. */
export interface StaleSocket {
  /** Its file name. */
  file: string;
  /** Its path. */
  path: string;
  /** True when install-unit wrote it (then it is stopped, disabled and removed). */
  ours: boolean;
}

/** The stale socket unit beside `serviceFile` in `dir`, or null. */
export function findStaleSocket(dir: string, serviceFile: string): StaleSocket | null {
  const file = socketFileFor(serviceFile);
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  const ours = statSync(path).isFile() && isGeneratedUnit(readFileSync(path, 'utf8'));
  return { file, path, ours };
}

/** Remove a stale socket unit file (after it was stopped and disabled). */
export function removeStaleSocket(stale: StaleSocket): void {
  rmSync(stale.path, { force: true });
}
