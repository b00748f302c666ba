/**
 * hooksctl public API: explicit named exports only.
 */
export { ExitCode, HooksError, isHooksError } from './errors.js';
export type { ExitCodeValue, HooksErrorOptions } from './errors.js';
export { systemClock } from './runtime.js';
export type { Clock, Env, Exit, Runtime, SignalSource, TextSink } from './runtime.js';
export { loadConfig, parseConfig } from './config/load.js';
export type { ConfigSource, LoadConfigOptions, LoadedConfig } from './config/load.js';
export { configSchema, NAME_PATTERN } from './config/schema.js';
export type { AgentType, Config } from './config/schema.js';
export { defaultConfig, exampleAgentPath } from './config/defaults.js';
export { listInstances } from './config/instances.js';
export type { AgentInstance } from './config/instances.js';
export { formatTimespan, parseTimespan, parseTimespanMs } from './systemd/timespan.js';
