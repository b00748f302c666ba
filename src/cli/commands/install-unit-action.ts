/** The `install-unit` action: generate, validate, write atomically, daemon-reload, enable/start (see src/systemd/unit/activate.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { dataDirectory } from '../../config/agent-paths.js';
import { NAME_PATTERN, type Config } from '../../config/schema.js';
import { ExitCode, HooksError } from '../../errors.js';
import type { Env } from '../../runtime.js';
import { budgetFromConfig } from '../../shutdown/budget.js';
import { catalogPath } from '../../systemd/journal/catalog.js';
import { installCatalog, SYSTEM_CATALOG_DIR } from '../../systemd/journal/catalog-install.js';
import { showUnit, type ManagerOptions } from '../../systemd/systemctl.js';
import { activationSteps, reloadNeededForUnchanged, runActivation } from '../../systemd/unit/activate.js';
import { checkUnitFile, startAnalysis, type UnitCheckReport } from '../../systemd/unit/check-file.js';
import { unitDiff } from '../../systemd/unit/diff.js';
import { generateUnit, usesContainers } from '../../systemd/unit/generate.js';
import { defaultUnitDir, writeUnitAtomic } from '../../systemd/unit/install.js';
import { assertSafeValue } from '../../systemd/unit/quote.js';
import { agentSandbox } from '../../systemd/unit/sandbox.js';
import type { CliContext } from '../context.js';
import { loadCliConfig } from '../config-option.js';
import { printJson, printLines } from '../output.js';
import type { InstallUnitFlags } from './install-unit.js';
import { escapeControl } from '../../escape.js';
import { makeDir } from '../../make-dir.js';
import { checkGeneratedSocket, findStaleSocket, removeStaleSocket, socketUnitFor } from './install-unit-socket.js';
import { stepFailure, systemctlPrefix } from './install-unit-failure.js';

// Unit type suffixes (systemd.unit(5)): a name still ending in one after `.service` is stripped is a mistake.
const UNIT_SUFFIX = /\.(service|socket|target|timer|mount|automount|swap|path|slice|scope|device)$/;

/**
 * The unit name from --name or service.name, without one `.service`; rejected (exit 78) unless it
 * matches the name pattern and carries no further unit suffix (`x.service.service`, `x.timer`).
 */
export function unitName(flag: string | undefined, config: Config): string {
  const given = flag ?? config.service.name;
  const name = given.replace(/\.service$/, '');
  const fail = (why: string): never => {
    throw new HooksError('hooks.unit.unsafe_value', `Expected \`--name\` ${why}, got ${JSON.stringify(given)}`, {
      exitCode: ExitCode.config,
      details: { option: 'name' },
    });
  };
  if (!NAME_PATTERN.test(name)) fail(`to match ${NAME_PATTERN}`);
  if (UNIT_SUFFIX.test(name)) fail('to be a service name without a unit-type suffix (hooksctl writes <name>.service)');
  return name;
}

/** Container mode: the engine variables of the installing shell, so the service reaches the same engine. */
export function serviceEnvironment(config: Config, env: Env): Record<string, string> {
  if (!usesContainers(config)) return {};
  const out: Record<string, string> = {};
  for (const key of ['DOCKER_HOST', 'HOOKS_CONTAINER_ENGINE']) {
    const v = env[key];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** Run `install-unit`. */
export async function runInstallUnit(ctx: CliContext, flags: InstallUnitFlags): Promise<void> {
  const { runtime } = ctx;
  // A directory systemd would never search, and whose name breaks every line that prints it.
  if (flags.unitDir !== undefined) assertSafeValue('--unit-dir', flags.unitDir);
  const loaded = await loadCliConfig(ctx, flags.config);
  const scope = flags.system ? 'system' : 'user';
  const name = unitName(flags.name, loaded.config);
  const file = `${name}.service`;
  const socket = socketUnitFor(loaded.config, file);
  const text = generateUnit({
    config: loaded.config,
    configPath: loaded.path,
    scope,
    execPath: ctx.execPath,
    entryPath: ctx.entryPath,
    workingDirectory: runtime.cwd,
    environment: serviceEnvironment(loaded.config, runtime.env),
    ...(socket === null ? {} : { socketFile: socket.file }),
  });
  const [report, socketReport] = await checkGenerated(file, text, socket, scope, loaded.config, runtime.env, flags.analyze);
  const errors = [...report.findings, ...(socketReport?.findings ?? [])].filter((f) => f.severity === 'error');
  if (!flags.json)
    printLines(runtime.stderr, [
      ...report.findings.map((f) => `${file}:${f.line}: ${f.severity} [${f.rule}] ${escapeControl(f.message)}`),
      ...(socketReport?.findings ?? []).map((f) => `${socket?.file}:${f.line}: ${f.severity} [${f.rule}] ${escapeControl(f.message)}`),
    ]);
  if (flags.dryRun) {
    if (flags.json)
      printJson(runtime.stdout, {
        unit: file,
        dryRun: true,
        text,
        socket: socket === null ? null : { unit: socket.file, text: socket.text, findings: socketReport?.findings ?? [] },
        ok: errors.length === 0,
        findings: report.findings,
        exposure: report.exposure,
      });
    else runtime.stdout.write(socket === null ? text : `# ==> ${file} <==\n${text}\n# ==> ${socket.file} <==\n${socket.text}`);
    ctx.setExitCode(errors.length > 0 ? ExitCode.checkFailed : ExitCode.ok);
    return;
  }
  if (errors.length > 0) {
    runtime.stderr.write(`hooksctl: refusing to install ${file}: ${errors.length} error(s)\n`);
    ctx.setExitCode(ExitCode.checkFailed);
    return;
  }
  // The hardened unit may only write the data directory and the agents' state directories, and
  // systemd refuses to start a unit whose plain ReadWritePaths= entry is missing: create them now.
  const dataDir = dataDirectory(loaded.config);
  for (const dir of agentSandbox(loaded.config).required) {
    try {
      makeDir(dir);
    } catch (error) {
      throw new HooksError(
        'hooks.unit.data_dir',
        `Cannot create ${dir === dataDir ? `the data directory ${dir} (from service.db)` : `the agent state directory ${dir}`}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { exitCode: ExitCode.config, cause: error, details: { dir } },
      );
    }
  }
  const dir = flags.unitDir === undefined ? defaultUnitDir(scope, runtime.env) : resolve(runtime.cwd, flags.unitDir);
  // The socket first: the service written after it already Requires= it.
  const stale = socket === null ? findStaleSocket(dir, file) : null;
  const socketWritten = socket === null ? null : writeUnitAtomic(dir, socket.file, socket.text, process.pid);
  const written = writeUnitAtomic(dir, file, text, process.pid);
  const diff = written.previous === null ? null : unitDiff(written.previous, text);
  const socketDiff =
    socketWritten === null || socketWritten.previous === null ? null : unitDiff(socketWritten.previous, socket?.text ?? '');
  const socketChanged = socketWritten !== null && (socketDiff === null || socketDiff.length > 0);
  const manager: ManagerOptions = { scope, env: runtime.env };
  const changed = diff === null || diff.length > 0;
  const action = diff === null ? 'created' : changed ? 'replaced' : 'unchanged';
  const reloadNeeded =
    changed ||
    socketChanged ||
    (flags.reload &&
      ((await reloadNeededForUnchanged(file, written.path, manager)) ||
        (socketWritten !== null && socket !== null && (await reloadNeededForUnchanged(socket.file, socketWritten.path, manager)))));
  const request = { reload: flags.reload && reloadNeeded, enable: flags.enable === true, now: flags.now === true };
  const ownStale = stale?.ours === true ? stale.file : undefined;
  const handOver = socket !== null && request.now && (await holdsPortItself(file, socket.file, manager));
  const activation = await runActivation(
    activationSteps(file, request, {
      ...(socket === null ? {} : { socket: socket.file }),
      ...(ownStale === undefined ? {} : { staleSocket: ownStale }),
      handOver,
    }),
    manager,
  );
  // A stale socket of ours, stopped and disabled: its file goes too, so it cannot start again.
  const staleRemoved = stale !== null && ownStale !== undefined && activation.ran.includes(`disable --now ${ownStale}`);
  if (staleRemoved) removeStaleSocket(stale);
  const socketNotes = socketLines(
    stale,
    staleRemoved,
    socketWritten?.path ?? null,
    socketChanged && socketWritten?.previous != null,
    scope,
  );
  const catalog = flags.catalog
    ? await installCatalog({ scope, source: catalogPath(), targetDir: SYSTEM_CATALOG_DIR, env: runtime.env })
    : { status: 'skipped', message: 'journal catalog: skipped (--no-catalog)' };
  const failure = activation.failed === null ? null : stepFailure(activation.failed, written.path, socketWritten?.path ?? null, scope);
  if (failure !== null) ctx.setExitCode(failure.exitCode);
  if (flags.json) {
    const error =
      failure === null
        ? {}
        : { error: { code: failure.code, message: failure.message, ...failure.details, notRun: activation.notRun.map((s) => s.name) } };
    printJson(runtime.stdout, {
      ok: failure === null,
      unit: written.path,
      dataDir,
      action,
      changed,
      replaced: action === 'replaced',
      diff,
      reloadNeeded,
      steps: activation.ran,
      socket:
        socketWritten === null
          ? null
          : {
              unit: socketWritten.path,
              action: socketDiff === null ? 'created' : socketChanged ? 'replaced' : 'unchanged',
              diff: socketDiff,
            },
      staleSocket: stale === null ? null : { unit: stale.path, ours: stale.ours, removed: staleRemoved },
      notes: socketNotes,
      ...error,
      catalog,
      exposure: report.exposure,
      findings: report.findings,
    });
    return;
  }
  const what =
    action === 'created'
      ? ['(new unit)']
      : action === 'unchanged'
        ? ['(unchanged)', ...(flags.reload && !reloadNeeded ? ['daemon-reload not needed: the manager has this unit loaded'] : [])]
        : ['changes:', ...(diff ?? []).map((l) => `  ${l}`)];
  printLines(runtime.stdout, [
    `installed ${written.path} (${scope})`,
    ...(socketWritten === null
      ? []
      : [`installed ${socketWritten.path} (${scope}): systemd holds ${loaded.config.service.host}:${loaded.config.service.port}`]),
    `data directory ${dataDir}`,
    ...what,
    ...socketNotes,
    ...activation.ran.map((s) => `ran systemctl ${s}`),
    catalog.message,
    ...(report.exposure === null ? [] : [`exposure (systemd-analyze security --offline=yes): ${report.exposure}`]),
  ]);
  if (failure !== null) {
    const todo = [activation.failed?.args ?? [], ...activation.notRun.map((s) => s.args)];
    runtime.stderr.write(`hooksctl: ${escapeControl(failure.message)} [${failure.code}]\n`);
    runtime.stderr.write(
      `hooksctl: the unit is in place; to finish, run: ${todo.map((args) => `${systemctlPrefix(scope)} ${args.join(' ')}`).join(' && ')}\n`,
    );
  }
}

// Validate the generated text (and the socket beside it) as files named like the units, in a temp
// directory: systemd-analyze verify finds the socket the service Requires= there.
async function checkGenerated(
  file: string,
  text: string,
  socket: { file: string; text: string } | null,
  scope: 'user' | 'system',
  config: Config,
  env: Env,
  analyze: boolean,
): Promise<[UnitCheckReport, UnitCheckReport | null]> {
  const dir = mkdtempSync(join(tmpdir(), 'hooksctl-unit-'));
  try {
    writeFileSync(join(dir, file), text);
    if (socket !== null) writeFileSync(join(dir, socket.file), socket.text);
    const analysis = analyze ? startAnalysis(join(dir, file), { scope, env }) : null;
    const [report, socketReport] = await Promise.all([
      checkUnitFile({ file: join(dir, file), text, scope, budget: budgetFromConfig(config.shutdown), analysis }),
      socket === null ? null : checkGeneratedSocket(join(dir, socket.file), socket.text, file, config, { scope, env, analyze }),
    ]);
    return [{ ...report, file }, socketReport === null ? null : { ...socketReport, file: socket?.file ?? '' }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// True when the service runs without its socket (installed before socket activation): it holds the
// port, so the socket cannot bind it until the service stops.
async function holdsPortItself(file: string, socketFile: string, manager: ManagerOptions): Promise<boolean> {
  const [service, sock] = await Promise.all([showUnit(file, ['ActiveState'], manager), showUnit(socketFile, ['ActiveState'], manager)]);
  return service['ActiveState'] === 'active' && sock['ActiveState'] !== 'active';
}

// The service unit a socket path belongs to (`/d/x.socket` → `x.service`).
function serviceOf(socketPath: string): string {
  return basename(socketPath).replace(/\.socket$/, '.service');
}

// What install-unit says about the socket: a changed listener needs a socket restart; a stale socket was removed, or is not ours.
function socketLines(
  stale: { path: string; ours: boolean } | null,
  removed: boolean,
  socketPath: string | null,
  replaced: boolean,
  scope: 'user' | 'system',
): string[] {
  const out: string[] = [];
  if (socketPath !== null && replaced)
    out.push(
      `note: ${socketPath} changed; an active socket applies new ListenStream=/Backlog= only once it and the service stop: ${systemctlPrefix(scope)} stop ${basename(socketPath)} ${serviceOf(socketPath)}, then start both`,
    );
  if (stale === null) return out;
  if (removed)
    out.push(`removed ${stale.path}: unit.socket_activation is off, so it was stopped and disabled (it held the service's port)`);
  else if (stale.ours) out.push(`note: ${stale.path} is left from socket activation (now off); stopping it failed, see below`);
  else
    out.push(
      `warning: ${stale.path} was not written by hooksctl and is left alone; if it listens on the service's port, serve cannot bind it`,
    );
  return out;
}
