/**
 * The operator dashboard: `GET /` and its static assets under `/ui/` (plain HTML, CSS and ES
 * modules shipped in the package's `ui/` folder; no CDN, no build step), and `GET /overview`,
 * the one call the page (and `hooksctl status`) makes at load: health, agents and the drain
 * in progress. The page and its assets hold no data, so they need no token; `/overview` does.
 */
import type { ServerDeps } from './deps.js';
import type { HttpApp } from './http/app.js';
import type { Reply } from './http/reply.js';
import { packageFile } from '../package-root.js';
import { foldDrain, type DrainView } from './drain-watch.js';
import { fsPromises } from './lazy-fs.js';

/** Paths anyone may fetch without the token: the page shell and its assets. */
export const DASHBOARD_PUBLIC_PATHS: ReadonlySet<string> = new Set(['/', '/ui/:file']);

/** The assets under `/ui/`, by file name, and their content types. */
const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'state.js': 'text/javascript; charset=utf-8',
  'render.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

const UI_DIR = packageFile('ui/');
// Scripts and styles come from the page's own origin only; the page talks only to this service.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** One agent instance as the dashboard shows it. */
export interface AgentView {
  /** Instance name. */
  name: string;
  /** Its type. */
  type: string;
  /** `process` or `container`. */
  mode: string;
  /** `busy` while it runs a task. */
  state: 'idle' | 'busy';
  /** The task it runs, if busy. */
  task: string | null;
  /** The host it belongs to (`pool[].host`), or null: any host runs it. */
  host: string | null;
  /** The host running its task now, if busy. */
  running_on: string | null;
  /**
   * Container mode on this host: its container's state (`running`, `stopped`, `paused`), `missing`
   * when it has none, `unavailable` when the engine did not answer. Null in process mode, and for
   * an instance another host runs.
   */
  container: string | null;
}

/** Register `/`, `/ui/:file` and `/overview`. */
export function registerDashboardRoutes(app: HttpApp, deps: ServerDeps): void {
  const cache = new Map<string, Buffer>();
  const asset = async (file: string): Promise<Buffer> => {
    let body = cache.get(file);
    if (body === undefined) {
      body = await (await fsPromises()).readFile(new URL(file, UI_DIR));
      cache.set(file, body);
    }
    return body;
  };
  const send = async (file: string, reply: Reply, edit?: (text: string) => string) =>
    reply
      .header('content-type', ASSETS[file] ?? 'application/octet-stream')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(edit === undefined ? await asset(file) : edit((await asset(file)).toString('utf8')));

  // The shell says whether to ask for the token first, so the page never starts with a 401.
  const authMeta = deps.token !== undefined && deps.token !== '' ? 'token' : 'none';
  app.get('/', async (_req, reply) =>
    send('index.html', reply, (html) =>
      html.replace('<meta name="hooks-auth" content="none" />', `<meta name="hooks-auth" content="${authMeta}" />`),
    ),
  );
  app.get('/ui/:file', async (req, reply) => {
    const file = req.params['file'] ?? '';
    if (!Object.hasOwn(ASSETS, file)) return reply.code(404).send({ error: 'not_found', message: `No asset ${file}` });
    return send(file, reply);
  });

  const drains = createDrainTracker(deps);
  app.get('/overview', async () => {
    const [health, agents, drain, hosts] = await Promise.all([
      deps.health(),
      agentViews(deps),
      drains.current(),
      deps.liveHosts?.() ?? Promise.resolve([]),
    ]);
    // What this service can do that an older one could not: the page only asks for what exists.
    const features = { output: app.hasRoute('GET', '/tasks/:id/output') };
    return { health, agents, drain, features, host_id: deps.hostId ?? null, hosts };
  });
}

// Every agent instance with whether it is busy now, on any host of the store (its running rows), and where.
async function agentViews(deps: ServerDeps): Promise<AgentView[]> {
  const containers = deps.containerStates?.().catch(() => 'unavailable' as const);
  const busy = new Map<string, { task: string; host: string | null }>();
  for (const row of await deps.store.list('running')) busy.set(row.agent, { task: row.id, host: row.host });
  for (const b of deps.dispatcher.busy()) if (!busy.has(b.agent)) busy.set(b.agent, { task: b.id, host: deps.hostId ?? null });
  const agents = await deps.store.listAgents();
  const states = await containers;
  const container = (name: string, mode: string): string | null => {
    if (mode !== 'container' || states === undefined) return null;
    const host = deps.instanceHosts?.get(name);
    if (host !== undefined && deps.hostId !== undefined && host !== deps.hostId) return null;
    return states === 'unavailable' ? states : (states.get(name) ?? 'missing');
  };
  return agents.map((a) => {
    const run = busy.get(a.name);
    return {
      name: a.name,
      type: a.type,
      mode: a.mode,
      state: run ? 'busy' : 'idle',
      task: run?.task ?? null,
      host: deps.instanceHosts?.get(a.name) ?? null,
      running_on: run?.host ?? null,
      container: container(a.name, a.mode),
    };
  });
}

const READ_BATCH = 1000;

// The drain view, folded incrementally from the event log: each call reads only what is new.
function createDrainTracker(deps: ServerDeps): { current(): Promise<DrainView | null> } {
  let cursor = 0;
  let view: DrainView | null = null;
  let reading: Promise<DrainView | null> | null = null;
  const read = async (): Promise<DrainView | null> => {
    for (;;) {
      const events = await deps.store.eventsAfter(cursor, READ_BATCH);
      view = foldDrain(view, events);
      cursor = events.at(-1)?.id ?? cursor;
      if (events.length < READ_BATCH) return view;
    }
  };
  return {
    current() {
      reading ??= read().finally(() => {
        reading = null;
      });
      return reading;
    },
  };
}
