/** `hooksctl logs ID [-f]`: a task's output, followed until the task ends with -f. */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { connectService, SERVICE_HELP } from '../connect.js';
import type { ServiceAnswer, ServiceClient } from '../service-client.js';
import { parseTaskId, taskNotFound } from '../task-id.js';
import { fetchTask } from './task.js';

const HELP = `
Prints a task's full output (GET /tasks/ID/output); with -f it keeps streaming until the task ends
(?follow=1). A service without that route (an older version) answers with the tail stored with the
task instead: logs says so on stderr, and -f then waits for the task to end and prints that tail.
${SERVICE_HELP}

Examples:
  hooksctl logs 3f0c9a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6
  hooksctl logs -f "$(hooksctl tasks --status running --json | jq -r '.tasks[0].id')"`;

const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'crashed']);
/** How often the fallback polls the task while following, ms. */
const POLL_MS = 1000;

/** Build the `logs` command. */
export function makeLogsCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('logs'))
    .description("Print a task's output (-f: follow until it ends)")
    .argument('<id>', 'the task id (a UUID)')
    .option('-f, --follow', 'keep printing output until the task ends')
    .addHelpText('after', HELP)
    .action(async (idText: string, opts: { config?: string; follow?: boolean }) => {
      const id = parseTaskId(idText);
      const client = await connectService(ctx, opts.config);
      const out = (text: string): void => void ctx.runtime.stdout.write(text);
      const path = `/tasks/${id}/output${opts.follow ? '?follow=1' : ''}`;
      const answer = await client.stream(path, out);
      if (answer.status === 200) return;
      if (isMissingRoute(answer)) {
        ctx.runtime.stderr.write(`hooksctl: this service has no GET /tasks/:id/output; showing the output tail stored with the task\n`);
        return printStoredOutput(client, id, opts.follow === true, out);
      }
      if (answer.status === 404) throw taskNotFound(id);
      const { unexpected } = await import('../service-client.js');
      throw unexpected(answer, `GET ${path}`);
    });
}

/** True when the 404 is for the route itself (the app's not-found handler), not for the task. */
export function isMissingRoute(answer: ServiceAnswer): boolean {
  return answer.status === 404 && answer.json?.['error'] === 'not_found' && /^No route /.test(String(answer.json['message'] ?? ''));
}

// The fallback: the `output` field of GET /tasks/ID, after the task ended when following.
async function printStoredOutput(client: ServiceClient, id: string, follow: boolean, out: (text: string) => void): Promise<void> {
  let task = await fetchTask(client, id);
  while (follow && !ENDED.has(String(task['status']))) {
    await (await import('node:timers/promises')).setTimeout(POLL_MS); // loaded here: every start of the CLI core pays for a static import
    task = await fetchTask(client, id);
  }
  const text = typeof task['output'] === 'string' ? task['output'] : '';
  if (text !== '') out(text.endsWith('\n') ? text : `${text}\n`);
}
