/** POST /webhook/forgejo: verify the HMAC over the raw body, then enqueue tasks; replays are idempotent. */
import { admit } from './admit.js';
import { nodeCrypto } from '../lazy-crypto.js';
import type { ServerDeps } from './deps.js';
import type { HttpApp } from './http/app.js';
import { decodeUtf8, mediaType } from './http/body.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from './json-depth.js';
import { verifySignature } from './signature.js';
import { readWebhook } from './webhook-event.js';

const DELIVERY_HEADERS = ['x-forgejo-delivery', 'x-gitea-delivery', 'x-github-delivery'];
const EVENT_HEADERS = ['x-forgejo-event', 'x-gitea-event', 'x-github-event'];

/** Register the webhook route: its body is read raw, for the signature. */
export function registerWebhookRoute(app: HttpApp, deps: ServerDeps): void {
  app.post(
    '/webhook/forgejo',
    async (req, reply) => {
      // The signature is over the raw bytes of a JSON body; another content type would only get a
      // confusing "signature mismatch". Forgejo, Gitea and GitHub send JSON when the hook says so.
      const type = mediaType(req.headers['content-type']);
      if (type !== '' && type !== 'application/json')
        return reply.code(415).send({
          error: 'unsupported_media_type',
          message: `Expected content-type application/json (set the webhook's content type to JSON), got ${JSON.stringify(req.headers['content-type'] ?? '')}`,
        });
      const raw = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
      const check = verifySignature(deps.webhookSecret, raw, req.headers);
      if (!check.ok) {
        deps.log(`webhook rejected: ${check.reason}`, { WEBHOOK_REJECT: check.reason });
        return reply.code(401).send({
          error: 'bad_signature',
          message: check.reason === 'no-secret' ? 'Webhook secret is not configured on the server' : `Signature ${check.reason}`,
        });
      }
      let body: unknown;
      try {
        body = JSON.parse(decodeUtf8(raw));
      } catch (error) {
        return reply.code(400).send({ error: 'bad_json', message: (error as Error).message });
      }
      if (jsonTooDeep(body))
        return reply.code(400).send({ error: 'bad_json', message: `Body nested more than ${MAX_JSON_DEPTH} levels deep` });
      const event = header(req.headers, EVENT_HEADERS) ?? 'issues';
      const reading = readWebhook(event, body, deps.agents);
      if (reading.targets.length === 0) return reply.code(200).send({ tasks: [], ignored: reading.ignored });
      const delivery = header(req.headers, DELIVERY_HEADERS) ?? nodeCrypto().createHash('sha256').update(raw).digest('hex');
      const tasks = [];
      for (const t of reading.targets) {
        const { row, duplicate } = await deps.store.enqueue({
          agent: t.agent,
          payload: t.payload,
          source: 'webhook',
          dedupeKey: `webhook:${delivery}:${t.agent}`,
        });
        const accepted = duplicate ? { id: row.id, status: row.status, url: `/tasks/${row.id}` } : admit(deps, row);
        tasks.push({ ...accepted, agent: t.agent, duplicate });
      }
      return reply.code(tasks.every((t) => t.duplicate) ? 200 : 202).send({ tasks });
    },
    'raw',
  );
}

// First present header among `names`.
function header(headers: Record<string, string | string[] | undefined>, names: string[]): string | undefined {
  for (const n of names) {
    const v = headers[n];
    const s = Array.isArray(v) ? v[0] : v;
    if (s !== undefined && s !== '') return s.slice(0, 200);
  }
  return undefined;
}
