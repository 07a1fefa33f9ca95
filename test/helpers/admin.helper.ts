import type { RunningHub } from '../../src/app/hub.bootstrap';
import { AdminAuthService } from '../../src/admin/auth/admin-auth.service';
import { parseGrants } from '../../src/admin/auth/admin.roles';

/**
 * An admin API token for a hub started in this process, with grants such as `demo:viewer` or
 * `*:admin`, made by the same service as `cabinet-hub token create`.
 */
export async function adminToken(hub: RunningHub, grants: string[], name = `test-${grants.join('-')}`): Promise<string> {
  const { token } = await hub.app.get(AdminAuthService).createToken(name.slice(0, 100), parseGrants(grants), 'test', new Date(Date.now() + 3600_000));
  return token;
}

/** A JSON request to the admin API with a bearer token; the parsed body (or text) and the status. */
export async function adminCall<T = Record<string, unknown>>(hub: RunningHub, token: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    redirect: 'manual',
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // an HTML page or an empty body
  }
  return { status: res.status, body: parsed as T };
}
