/**
 * `hooksctl/systemd`: talking to systemd from a service, and the unit-file model.
 *
 * - sd_notify(3): {@link createNotifier} (READY=1, STOPPING=1, STATUS=, EXTEND_TIMEOUT_USEC=, WATCHDOG=1).
 * - sd_watchdog_enabled(3): {@link startWatchdog} keepalive gated on a health check.
 * - EXTEND_TIMEOUT_USEC= (sd_notify(3)) against TimeoutStopSec= (systemd.service(5)): {@link startExtender}.
 * - sd_journal_print(3) / systemd.journal-fields(7): {@link createJournalLogger} with SHUTDOWN_PHASE= and
 *   the catalog's MESSAGE_IDs (journalctl(1) `-x`, sd-id128(3)).
 * - systemd.time(7): time spans.
 * - systemd.syntax(7), systemd.unit(5), systemd.service(5): a lossless unit-file model, a generator
 *   for `hooksctl serve` units, a validator, and Exec*= quoting/parsing.
 * - sd_listen_fds(3), systemd.socket(5): {@link parseListenFds} for socket activation, and the
 *   generator of the `.socket` unit beside the service.
 */
export { createNotifier, formatNotify, sanitizeStatus } from './notify/notify.js';
export type { Notifier, NotifierOptions, NotifyFields, NotifyResult } from './notify/notify.js';
export { startWatchdog, watchdogUsec } from './notify/watchdog.js';
export type { WatchdogHandle, WatchdogOptions } from './notify/watchdog.js';
export { startExtender } from './notify/extend.js';
export type { ExtenderHandle, ExtenderOptions } from './notify/extend.js';
export { createJournalLogger, encodeJournalFields, isValidFieldName } from './journal/journal.js';
export type {
  JournalFieldValue,
  JournalLogger,
  JournalLoggerOptions,
  JournalPriority,
  LogEntry,
  ShutdownPhase,
} from './journal/journal.js';
export { MESSAGE_IDS, catalogPath, renderCatalog } from './journal/catalog.js';
export type { CatalogStep } from './journal/catalog.js';
export type { Timers } from '../timers.js';
export { formatTimespan, parseTimespan, parseTimespanMs } from './timespan.js';
export { parseUnit, serializeUnit, assignmentsOf, lastValue, listValues } from './unit/file.js';
export type { AssignmentEntry, InvalidEntry, SectionEntry, TriviaEntry, UnitEntry, UnitFile } from './unit/file.js';
export { generateUnit } from './unit/generate.js';
export { generateSocketUnit } from './unit/generate-socket.js';
export type { GenerateSocketOptions } from './unit/generate-socket.js';
export { LISTEN_ENV_KEYS, LISTEN_FDS_START, parseListenFds, withoutListenEnv } from './listen/listen-fds.js';
export type { ListenFd, ListenFds } from './listen/listen-fds.js';
export type { GenerateUnitOptions } from './unit/generate.js';
export { validateUnitText } from './unit/validate-text.js';
export type { UnitFinding, ValidateUnitOptions } from './unit/validate-text.js';
export { checkUnitFile } from './unit/check-file.js';
export type { CheckUnitOptions, UnitCheckReport } from './unit/check-file.js';
export { formatExecLine, quoteEnvironment, quoteExecArg } from './unit/quote.js';
export { parseExecLine } from './unit/exec-line.js';
export type { ExecLine } from './unit/exec-line.js';
