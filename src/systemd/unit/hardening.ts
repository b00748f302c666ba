/**
 * The [Service] hardening that fits `hooksctl serve`: a network service that writes only its
 * database directory, spawns agent processes (node, so no MemoryDenyWriteExecute: V8's JIT
 * needs W+X pages) and, in container mode, talks to the Docker socket. See systemd.exec(5)
 * and `systemd-analyze security`.
 */
import { quotePathListItem } from './quote.js';

/** What the hardening must leave open. */
export interface HardeningNeeds {
  /** user or system manager. */
  scope: 'user' | 'system';
  /** Container mode: the Docker socket must stay reachable. */
  containers: boolean;
  /** Directories the service writes that must exist (the data directory, the agents' state directories). */
  writable: readonly string[];
  /** Paths the agents write that may be missing (their cwd and `writable` paths): listed with `-`. */
  optionalWritable?: readonly string[];
  /** DOCKER_HOST, when set (a unix:// socket path is made writable). */
  dockerHost: string | null;
  /** Every host path the service reads (config, entry, node, working directory): one under /tmp turns PrivateTmp= off. */
  hostPaths: readonly string[];
}

/** True when a path lives in /tmp or /var/tmp, which PrivateTmp=yes would hide from the service. */
export function inHostTmp(path: string): boolean {
  return /^\/(var\/)?tmp(\/|$)/.test(path);
}

/** The Docker socket path to keep reachable: from a `unix://` DOCKER_HOST, else /run/docker.sock. */
export function dockerSocketPath(dockerHost: string | null): string {
  return dockerHost?.startsWith('unix://') ? dockerHost.slice('unix://'.length) : '/run/docker.sock';
}

/**
 * Kept for the system manager only: under a `systemd --user` manager (checked in the test sandbox)
 * they fail at NAMESPACE setup (e.g. no /proc/kallsyms to mask). ProtectProc=/ProcSubset= are left
 * out in both scopes: with them READY=1 never arrived from node in the sandbox.
 */
const SYSTEM_ONLY = ['ProtectKernelTunables=yes', 'ProtectKernelLogs=yes', 'ProtectControlGroups=yes'];

/** The hardening lines for the [Service] section (SystemCallErrorNumber=EPERM: node probes pkey_alloc, outside @system-service in systemd 252). */
export function hardeningLines(needs: HardeningNeeds): string[] {
  const optional = needs.optionalWritable ?? [];
  const writable = [
    ...needs.writable.map((p, i) => quotePathListItem(`ReadWritePaths ${i}`, p)),
    ...optional.map((p, i) => `-${quotePathListItem(`agent path ${i}`, p)}`),
  ];
  const socket = needs.containers ? [`-${quotePathListItem('DOCKER_HOST socket', dockerSocketPath(needs.dockerHost))}`] : [];
  return [
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    `ReadWritePaths=${[...writable, ...socket].join(' ')}`,
    ...([...needs.writable, ...optional, ...needs.hostPaths, ...(needs.containers ? [dockerSocketPath(needs.dockerHost)] : [])].some(
      inHostTmp,
    )
      ? []
      : ['PrivateTmp=yes']),
    'PrivateDevices=yes',
    'DevicePolicy=closed',
    ...(needs.scope === 'system' ? SYSTEM_ONLY : []),
    'ProtectKernelModules=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RemoveIPC=yes',
    'KeyringMode=private',
    'UMask=0077',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    'SystemCallFilter=~@privileged @resources @mount @swap @reboot @raw-io @module @obsolete @debug @cpu-emulation @clock',
    'SystemCallErrorNumber=EPERM',
    'PrivateMounts=yes',
    ...(needs.containers ? [] : ['PrivateUsers=yes']),
  ];
}
