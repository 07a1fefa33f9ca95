import { Type, type TSchema } from '@sinclair/typebox';

/**
 * One route of the admin API, described once: the OpenAPI document is built from these, and a
 * test compares them with the routes the running hub serves. Console pages (`/console/...`, HTML)
 * are described the same way with `html: true`.
 */
export interface AdminRouteDoc {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path, e.g. `/v1/admin/{tenant}/dead-letters`. */
  path: string;
  /** The permission the server checks (admin.roles.ts), and how the tenant is found. */
  permission: string;
  scope: 'tenant' | 'hub' | 'any';
  summary: string;
  description?: string;
  /** Query parameters: name → schema and description. */
  query?: Record<string, { schema: TSchema | Record<string, unknown>; description: string; required?: boolean }>;
  /** Path parameters other than `tenant`. */
  params?: Record<string, { schema: TSchema | Record<string, unknown>; description: string }>;
  /** JSON request body. */
  body?: TSchema;
  /** Success status and its JSON body (absent for HTML pages and redirects). */
  status?: number;
  response?: TSchema;
  /** An HTML page of the console rather than JSON. */
  html?: boolean;
}

/** A reason, required by every action that changes state (it is audited). */
export const Reason = Type.String({ minLength: 3, maxLength: 1000, description: 'Why: required, kept in the audit with who and when.' });

/** One admin action as the audit shows it. */
export const AdminAuditEntry = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    at: Type.String({ format: 'date-time' }),
    tenant: Type.String({ description: 'The tenant acted in; `*` for hub-wide actions.' }),
    actor: Type.String({ description: '`oidc:<subject> (<name>)`, `token:<id> (<name>)` or `cli:<user>`.' }),
    action: Type.String(),
    target: Type.String(),
    reason: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown(),
    after: Type.Unknown(),
  },
  { additionalProperties: false },
);
