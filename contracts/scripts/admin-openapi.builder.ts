/**
 * The OpenAPI paths of the admin API and console (from the route descriptors in
 * contracts/model/admin-routes.registry.ts) and of the hub's other operational routes: webhooks,
 * templates, KPIs, file downloads, metrics. Joined into the one document by openapi.builder.ts.
 */
import type { TSchema } from '@sinclair/typebox';
import type { AdminRouteDoc } from '../model/admin-route.schema';
import { ADMIN_ROUTES } from '../model/admin-routes.registry';
import { TENANT_PATTERN } from '../model/envelope.schema';
import { ordered } from './json-schema.builder';

type Json = Record<string, unknown>;

const plain = (s: TSchema | Json): Json => {
  const { $id: _id, $schema: _d, ...rest } = JSON.parse(JSON.stringify(s)) as Json;
  return ordered(rest);
};
const errorRef = { $ref: '#/components/schemas/ErrorResponse' };
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });
const page = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

/** `get /v1/admin/{tenant}/dead-letters/{id}/redrive` → `getAdminTenantDeadLettersIdRedrive`. */
function operationId(r: AdminRouteDoc): string {
  const words = r.path
    .replace(/[{}.]/g, '')
    .split(/[/-]/)
    .filter((w) => w && w !== 'v1');
  return r.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function operation(r: AdminRouteDoc): Json {
  const guarded = r.permission !== 'none';
  const scope = r.scope === 'hub' ? 'hub-wide (a `*:` grant)' : r.scope === 'any' ? 'for some tenant (the answer shows only the tenants allowed)' : 'for the tenant in the path';
  const parameters = [
    ...(r.path.includes('{tenant}') ? [{ name: 'tenant', in: 'path', required: true, description: 'The tenant.', schema: { type: 'string', pattern: TENANT_PATTERN } }] : []),
    ...Object.entries(r.params ?? {}).map(([name, p]) => ({ name, in: 'path', required: true, description: p.description, schema: plain(p.schema) })),
    ...Object.entries(r.query ?? {}).map(([name, p]) => ({ name, in: 'query', required: p.required ?? false, description: p.description, schema: plain(p.schema) })),
  ];
  const ok = r.html
    ? {
        [String(r.status ?? (r.method === 'post' ? 303 : 200))]:
          r.method === 'post' && !r.status ? { description: 'Redirects to the page showing the result (or renders it).' } : page('An HTML page of the console.'),
      }
    : { [String(r.status ?? 200)]: { description: 'Done.', ...(r.response ? { content: { 'application/json': { schema: plain(r.response) } } } : {}) } };
  return {
    tags: [r.html ? 'console' : 'admin'],
    operationId: operationId(r),
    summary: r.summary,
    description: [
      r.description,
      guarded
        ? `Needs \`${r.permission}\` ${scope}.${r.method === 'post' ? " A signed-in browser also sends the session's CSRF token (`X-CSRF-Token` or the form field `_csrf`)." : ''}`
        : 'Needs no sign-in.',
    ]
      .filter(Boolean)
      .join('\n\n'),
    ...(guarded ? { security: [{ adminToken: [] }, { consoleSession: [] }] } : { security: [{}] }),
    ...(parameters.length ? { parameters } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: plain(r.body) }, 'application/x-www-form-urlencoded': { schema: plain(r.body) } } } } : {}),
    responses: {
      ...ok,
      ...(r.body ? { '400': err('The body is not acceptable: the reason says what to change.') } : {}),
      ...(guarded
        ? {
            '401': err('Not signed in, or the API token is unknown, expired or revoked (a browser is redirected to sign in).'),
            '403': err('Signed in, but without this permission for this tenant; or a wrong CSRF token.'),
          }
        : {}),
      ...(r.path.includes('{') ? { '404': err('No such tenant or object.') } : {}),
    },
  };
}

/** The admin and console paths. */
export function adminPaths(): Json {
  const paths: Record<string, Json> = {};
  for (const r of ADMIN_ROUTES) {
    const p = (paths[r.path] ??= {});
    if (p[r.method]) throw new Error(`admin route ${r.method} ${r.path} is described twice`);
    p[r.method] = operation(r);
  }
  return paths;
}

/** The other routes of the hub that are not for portals: webhooks, templates, KPIs, files, metrics. */
export function operationalPaths(): Json {
  const tenant = { name: 'tenant', in: 'path', required: true, description: 'The tenant.', schema: { type: 'string', pattern: TENANT_PATTERN } };
  return {
    '/v1/webhooks/{instance}': {
      post: {
        tags: ['webhooks'],
        operationId: 'postWebhook',
        summary: "A provider's delivery callback for an adapter instance (Twilio, Viber, Telegram, …)",
        description: 'The body is read raw, as the provider signed it; the adapter checks the signature. Unverified callbacks are refused and counted, never acted on.',
        parameters: [{ name: 'instance', in: 'path', required: true, description: 'The adapter instance.', schema: { type: 'string' } }],
        requestBody: { required: true, content: { '*/*': { schema: { type: 'string' } } } },
        responses: { '200': { description: 'Accepted (or a repeat of one accepted before).' }, '403': err('The signature did not verify.'), '404': err('No adapter instance takes callbacks here.') },
      },
    },
    '/v1/templates': {
      get: {
        tags: ['notifications'],
        operationId: 'listTemplates',
        summary: 'Notification templates: ids, variables, channels',
        responses: {
          '200': { description: 'The templates.', content: { 'application/json': { schema: { type: 'object', properties: { templates: { type: 'array', items: { type: 'object' } } } } } } },
        },
      },
    },
    '/v1/templates/{id}/preview': {
      post: {
        tags: ['notifications'],
        operationId: 'previewTemplate',
        summary: 'A template rendered as citizens get it, per channel',
        parameters: [{ name: 'id', in: 'path', required: true, description: 'The template id.', schema: { type: 'string' } }],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { locale: { enum: ['uk', 'ru', 'en'] }, channel: { enum: ['sms', 'email', 'telegram', 'viber'] }, variables: { type: 'object' } } },
            },
          },
        },
        responses: {
          '200': { description: 'The rendering per channel.', content: { 'application/json': { schema: { type: 'object' } } } },
          '400': err('The body is not JSON.'),
          '404': err('No such template.'),
        },
      },
    },
    '/v1/kpi/{tenant}': {
      get: {
        tags: ['kpi'],
        operationId: 'getKpis',
        summary: "A tenant's KPIs for a period (JSON or CSV)",
        security: [{ bearer: [] }],
        parameters: [
          tenant,
          { name: 'from', in: 'query', required: true, description: 'First day, YYYY-MM-DD.', schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', required: true, description: 'Last day, YYYY-MM-DD (at most 366 days after from).', schema: { type: 'string', format: 'date' } },
          { name: 'by', in: 'query', required: false, description: 'Split by addressee.', schema: { enum: ['addressee'] } },
          { name: 'format', in: 'query', required: false, description: 'json (default) or csv.', schema: { enum: ['json', 'csv'] } },
        ],
        responses: {
          '200': { description: 'The report.', content: { 'application/json': { schema: { type: 'object' } }, 'text/csv': { schema: { type: 'string' } } } },
          '400': err('A parameter is wrong.'),
          '401': err('No or an unknown token.'),
          '403': err('The token does not cover this tenant.'),
          '404': err('The tenant has no statutory deadlines.'),
        },
      },
    },
    '/v1/kpi/{tenant}/exclusions': {
      post: {
        tags: ['kpi'],
        operationId: 'excludeFromKpi',
        summary: 'Leaves a case out of one KPI, with who and why',
        security: [{ bearer: [] }],
        parameters: [tenant],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['caseRef', 'kpi', 'reason'],
                additionalProperties: false,
                properties: { caseRef: { type: 'string', maxLength: 128 }, kpi: { type: 'string' }, reason: { type: 'string', minLength: 3, maxLength: 2000 } },
              },
            },
          },
        },
        responses: {
          '201': { description: 'Recorded.' },
          '400': err('The body is not acceptable.'),
          '401': err('No or an unknown token.'),
          '403': err('The token does not cover this tenant.'),
          '404': err('No such appeal.'),
        },
      },
    },
    '/v1/files/{sha256}': {
      get: {
        tags: ['files'],
        operationId: 'downloadFile',
        summary: 'A file by its signed download link',
        description: 'The link (query t, n, m, e, s) is signed by the hub and expires; HEAD answers the headers only. `ETag` is the SHA-256; no ranges.',
        parameters: [{ name: 'sha256', in: 'path', required: true, description: "The file's SHA-256 (hex).", schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }],
        responses: {
          '200': { description: 'The content.', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
          '304': { description: 'Not modified.' },
          '403': err('The link does not verify or has expired.'),
          '404': err('The store does not hold the file.'),
        },
      },
    },
    '/metrics': {
      get: {
        tags: ['operations'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        responses: { '200': { description: 'The text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
  };
}
