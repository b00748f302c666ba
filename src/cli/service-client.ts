/**
 * How the task verbs talk to the running service: its address from the config
 * (`service.host:port`; a wildcard host is reached on loopback), the bearer token from
 * `service.token_env`, and one error per way a call can fail (down: 69, token: 78, bad answer: 70).
 */
import { request, type IncomingMessage } from 'node:http';
import type { Config } from '../config/schema.js';
import { ExitCode, HooksError, isHooksError } from '../errors.js';
import type { Env } from '../runtime.js';

/** An answer of the service: status, headers and the body as text. */
export interface ServiceAnswer {
  status: number;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

/** A client for one running service. */
export interface ServiceClient {
  /** The base URL, for messages. */
  readonly base: string;
  /** GET a path; the body is read whole. */
  get(path: string): Promise<ServiceAnswer>;
  /** POST to a path with no body. */
  post(path: string): Promise<ServiceAnswer>;
  /** GET a path and hand each chunk of the body to `onChunk` until it ends; resolves with the status (and the body, when not 200). */
  stream(path: string, onChunk: (text: string) => void, signal?: AbortSignal): Promise<ServiceAnswer>;
}

/** Where the service listens, as a client reaches it. */
export function serviceAddress(config: Config): { host: string; port: number } {
  const { host, port } = config.service;
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  return { host: wildcard ? '127.0.0.1' : host.replace(/^\[(.*)\]$/, '$1'), port };
}

/** How long a call may go without a byte from the service before it is given up (a stream: until its answer starts). */
export const SERVICE_TIMEOUT_MS = 30_000;

/** Options for {@link createServiceClient}. */
export interface ServiceClientOptions {
  /** The silence after which a call fails with exit 69; default {@link SERVICE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Build the client for the service the config describes. */
export function createServiceClient(config: Config, env: Env, options: ServiceClientOptions = {}): ServiceClient {
  const timeoutMs = options.timeoutMs ?? SERVICE_TIMEOUT_MS;
  const { host, port } = serviceAddress(config);
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const token = env[config.service.token_env];
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined && token !== '') headers['authorization'] = `Bearer ${token}`;

  const call = (method: string, path: string, onChunk?: (text: string) => void, signal?: AbortSignal) =>
    new Promise<ServiceAnswer>((resolve, reject) => {
      let answered = false;
      const req = request({ host, port, path, method, headers, ...(signal ? { signal } : {}) }, (res) => {
        answered = true;
        // A followed stream may be quiet for long; only its start is timed.
        if (onChunk !== undefined && res.statusCode === 200) req.setTimeout(0);
        readAnswer(res, onChunk).then(resolve, (error: NodeJS.ErrnoException) => reject(dropped(base, error)));
      });
      req.setTimeout(timeoutMs, () => req.destroy(silent(base, timeoutMs, answered)));
      req.on('error', (error: NodeJS.ErrnoException) => reject(isHooksError(error) ? error : unavailable(base, error)));
      req.end();
    }).then((answer) => checkAuth(answer, config));

  return {
    base,
    get: (path) => call('GET', path),
    post: (path) => call('POST', path),
    stream: (path, onChunk, signal) => call('GET', path, onChunk, signal),
  };
}

// Read a response: streamed to onChunk when it is a 200 and one is given, else collected.
async function readAnswer(res: IncomingMessage, onChunk?: (text: string) => void): Promise<ServiceAnswer> {
  res.setEncoding('utf8');
  let text = '';
  const streaming = onChunk !== undefined && res.statusCode === 200;
  for await (const chunk of res) {
    if (streaming) onChunk(chunk as string);
    else text += chunk as string;
  }
  let json: Record<string, unknown> | undefined;
  if (!streaming && /json/.test(res.headers['content-type'] ?? '')) {
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
  }
  return { status: res.statusCode ?? 0, text, json };
}

// A refused or failed connection: the service is not there.
function unavailable(base: string, error: NodeJS.ErrnoException): HooksError {
  const why = error.code === 'ECONNREFUSED' ? 'nothing listens there' : (error.code ?? error.message);
  return new HooksError(
    'hooks.client.unavailable',
    `The service is not running at ${base} (${why}); start it with 'systemctl --user start NAME'`,
    {
      exitCode: ExitCode.unavailable,
      cause: error,
      details: { base, errno: error.code ?? null },
    },
  );
}

// A connection that broke while the answer was being read: the service went away mid-answer.
function dropped(base: string, error: NodeJS.ErrnoException): HooksError {
  if (isHooksError(error)) return error;
  return new HooksError('hooks.client.unavailable', `The service at ${base} broke off its answer (${error.code ?? error.message})`, {
    exitCode: ExitCode.unavailable,
    cause: error,
    details: { base, errno: error.code ?? null },
  });
}

// A service that accepts the connection but sends nothing: hung, or not hooksctl.
function silent(base: string, ms: number, answered: boolean): HooksError {
  const what = answered ? 'stopped sending its answer' : 'did not answer';
  return new HooksError('hooks.client.unavailable', `The service at ${base} ${what} within ${ms / 1000} s; is it hung?`, {
    exitCode: ExitCode.unavailable,
    details: { base, errno: 'ETIMEDOUT', timeout_ms: ms },
  });
}

// A 401 means the token in the environment is missing or wrong: a config problem.
function checkAuth(answer: ServiceAnswer, config: Config): ServiceAnswer {
  if (answer.status !== 401) return answer;
  throw new HooksError(
    'hooks.client.unauthorized',
    `The service wants its token: set $${config.service.token_env} to the token it was started with`,
    { exitCode: ExitCode.config, details: { token_env: config.service.token_env } },
  );
}

/** An answer the verb did not expect: exit 70 with the service's own message. */
export function unexpected(answer: ServiceAnswer, what: string): HooksError {
  const message = typeof answer.json?.['message'] === 'string' ? answer.json['message'] : answer.text.slice(0, 200);
  return new HooksError('hooks.client.bad_response', `${what}: the service answered ${answer.status}: ${message}`, {
    exitCode: ExitCode.internal,
    details: { status: answer.status },
  });
}
