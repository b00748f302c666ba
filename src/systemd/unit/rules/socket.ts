/**
 * [Socket] rules for the socket unit that activates `hooksctl serve` (systemd.socket(5)): one
 * listener handed to one long-running service, on the config's `service.host:port`.
 */
import { lastValue, listValues, type UnitFile } from '../file.js';
import { listenStreamOf } from '../generate-socket.js';
import type { UnitFinding } from './types.js';

/** What a socket rule looks at. */
export interface SocketRuleContext {
  /** The parsed .socket unit. */
  unit: UnitFile;
  /** Its file name, e.g. `x.socket` (the default Service= is `x.service`). */
  socketFile: string;
  /** The service unit it must activate, or null when unknown. */
  serviceFile: string | null;
  /** The config's `service.host:port`, or null when no config was given. */
  listen: { host: string; port: number } | null;
  /** The line to blame when a finding has no better line (the [Socket] header, else 1). */
  fallbackLine: number;
}

/** A socket rule: a pure function from context to findings. */
export type SocketRule = (ctx: SocketRuleContext) => UnitFinding[];

const TRUE = new Set(['yes', 'true', 'on', '1']);

/** A unix (`/path`) or abstract (`@name`) socket, as opposed to an address and port. */
function isUnixListen(value: string): boolean {
  return value.startsWith('/') || value.startsWith('@');
}

/** Normalize a TCP `ListenStream=` (`8787` means `[::]:8787`, systemd.socket(5)) for comparison. */
export function normalizeListenStream(value: string): string {
  return /^\d+$/.test(value) ? `[::]:${value}` : value;
}

/** Error on Accept=yes: systemd would spawn one instance of a template per connection, not pass the listener. */
export const acceptRule: SocketRule = ({ unit }) => {
  const accept = lastValue(unit, 'Socket', 'Accept');
  if (accept === undefined || !TRUE.has(accept.value.toLowerCase())) return [];
  return [
    {
      rule: 'socket.accept',
      severity: 'error',
      line: accept.line,
      message: `Accept=${accept.value} starts one service instance per connection; hooksctl serve takes the listening socket itself: use Accept=no (the default)`,
    },
  ];
};

/** Error when no ListenStream= is left, or a TCP one is not the config's `service.host:port`. */
export const listenRule: SocketRule = ({ unit, listen, fallbackLine }) => {
  const streams = listValues(unit, 'Socket', 'ListenStream');
  if (streams.length === 0)
    return [
      {
        rule: 'socket.no-listen',
        severity: 'error',
        line: fallbackLine,
        message: 'No ListenStream= in [Socket]: nothing to pass to the service',
      },
    ];
  if (listen === null) return [];
  let expected: string;
  try {
    expected = listenStreamOf(listen.host, listen.port);
  } catch {
    return [];
  }
  const tcp = streams.filter((s) => !isUnixListen(s.value));
  const out: UnitFinding[] = tcp
    .filter((s) => normalizeListenStream(s.value) !== expected)
    .map((s) => ({
      rule: 'socket.listen-mismatch',
      severity: 'error',
      line: s.line,
      message: `ListenStream=${s.value} does not match the config's service.host:port (${expected}); serve would answer on a port the config does not name`,
    }));
  if (tcp.length === 0)
    out.push({
      rule: 'socket.listen-mismatch',
      severity: 'error',
      line: streams[0]?.line ?? fallbackLine,
      message: `No ListenStream=${expected} (the config's service.host:port); serve needs a TCP listener there`,
    });
  return out;
};

/** Error when Service= (or the default, the socket's own name) is not the service unit beside it. */
export const serviceRule: SocketRule = ({ unit, socketFile, serviceFile, fallbackLine }) => {
  if (serviceFile === null) return [];
  const set = lastValue(unit, 'Socket', 'Service');
  const target = set?.value || socketFile.replace(/\.socket$/, '.service');
  if (target === serviceFile) return [];
  return [
    {
      rule: 'socket.service-mismatch',
      severity: 'error',
      line: set?.line ?? fallbackLine,
      message: `The socket activates ${target}${set ? '' : ' (the default)'}, not ${serviceFile}; set Service=${serviceFile}`,
    },
  ];
};

/** Every socket rule, in report order. */
export const SOCKET_RULES: readonly SocketRule[] = [acceptRule, listenRule, serviceRule];
