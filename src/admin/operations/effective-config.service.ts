import { Inject, Injectable } from '@nestjs/common';
import { HUB_CONFIG } from '../../config/injection.tokens';
import { secretsOf, type ResolvedSecret } from '../../config/hub-config.loader';
import type { HubConfig } from '../../config/hub-config.schema';

/** What a secret is shown as: the variable it comes from, whether it is set; never the value. */
export interface MaskedSecret {
  secret: true;
  env: string | null;
  set: boolean;
}

/** The effective configuration as a principal may read it. */
export interface EffectiveConfig {
  /** `hub`: the whole configuration; otherwise the tenants whose part is shown. */
  scope: 'hub' | { tenants: string[] };
  config: Record<string, unknown>;
}

/** Keys whose values are secrets whatever their origin (the loader refuses literals under such keys; a second net here). */
const SECRET_KEY = /(passwords?|passwd|secrets?|tokens?|api[-_]?keys?|credentials?|private[-_]?keys?|signingKey|secretAccessKey|accessKeyId|clientSecret)$/i;
/** A URL with credentials in it (`scheme://user:password@host`): the password part is masked. */
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:)([^/@\s]+)(@)/i;
/** Secret values this short are masked where they are a whole value only (inside longer text they would match by chance). */
const MIN_EMBEDDED = 6;

/**
 * The effective configuration (after defaults) with every secret masked. Masking knows which values
 * came from secret variables (the loader records each one it resolved: `secretsOf`): those are
 * masked by where they sit and wherever their value appears, even inside another string; key names
 * that look secret and URL passwords are masked too, as a second net. A tenant's principal sees
 * only its tenants' part: its tenants, the routes and rules that apply to them, the adapters those
 * routes use (type and runner settings, not their configuration, which serves every tenant) and
 * the publishers that may publish for them.
 */
@Injectable()
export class EffectiveConfigService {
  private readonly secrets: readonly ResolvedSecret[];
  /** HubConfig path (`tenants/demo/ingressTokens/0`) → variable. */
  private readonly byPath = new Map<string, string>();
  /** Non-empty secret values → variable. */
  private readonly byValue = new Map<string, string>();

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {
    this.secrets = secretsOf(config);
    for (const s of this.secrets) {
      this.byPath.set(this.configPath(s.path), s.env);
      if (s.value && !this.byValue.has(s.value)) this.byValue.set(s.value, s.env);
    }
  }

  /** The configuration a principal may read: whole (`hub`) or its tenants' part. */
  view(scope: 'hub' | readonly string[]): EffectiveConfig {
    const c = this.config;
    if (scope === 'hub') return { scope: 'hub', config: this.mask(c, []) as Record<string, unknown> };
    const tenants = [...scope];
    const mine = (list: readonly string[]) => list.includes('*') || list.some((t) => tenants.includes(t));
    const trim = (list: readonly string[]) => (list.includes('*') ? ['*'] : list.filter((t) => tenants.includes(t)));
    const routes = c.routes.filter((r) => mine(r.tenants)).map((r) => ({ ...r, tenants: trim(r.tenants) }));
    const used = new Set(routes.flatMap((r) => r.to));
    for (const id of Object.values(c.notifications.channels)) if (id) used.add(id);
    const part = {
      tenants: Object.fromEntries(tenants.filter((t) => Object.hasOwn(c.tenants, t)).map((t) => [t, c.tenants[t]])),
      routes,
      adapters: Object.fromEntries(
        Object.entries(c.adapters)
          .filter(([id]) => used.has(id))
          .map(([id, a]) => [id, { type: a.type, enabled: a.enabled, runner: a.runner }]),
      ),
      publishers: c.publishers.filter((p) => mine(p.tenants)).map((p) => ({ ...p, tenants: trim(p.tenants) })),
      notifications: { channels: c.notifications.channels, order: c.notifications.order, rules: c.notifications.rules.filter((r) => mine(r.tenants)).map((r) => ({ ...r, tenants: trim(r.tenants) })) },
    };
    // Paths of the whole configuration are kept (tenants/<id>/…, publishers/<index>/… recomputed) so masking by place still applies.
    const masked = {
      tenants: this.mask(part.tenants, ['tenants']),
      routes: this.mask(part.routes, ['routes']),
      adapters: this.mask(part.adapters, ['adapters']),
      publishers: part.publishers.map((p) => this.mask(p, ['publishers', String(c.publishers.findIndex((x) => x.name === p.name))])),
      notifications: this.mask(part.notifications, ['notifications']),
    };
    return { scope: { tenants }, config: masked };
  }

  /** A copy of `value` with every secret masked; `path` is where it sits in HubConfig. */
  private mask(value: unknown, path: string[]): unknown {
    const key = path[path.length - 1] ?? '';
    const env = this.byPath.get(path.join('/'));
    if (typeof value === 'string') {
      if (env !== undefined) return masked(env, value);
      const byValue = this.byValue.get(value);
      if (byValue !== undefined) return masked(byValue, value);
      if (this.secretPlace(path) || SECRET_KEY.test(key)) return masked(null, value);
      for (const [v, name] of this.byValue) if (v.length >= MIN_EMBEDDED && value.includes(v)) return masked(name, value);
      return value.replace(URL_USERINFO, '$1•••••$3');
    }
    if (Array.isArray(value)) return value.map((v, i) => this.mask(v, [...path, String(i)]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.mask(v, [...path, k]);
      return out;
    }
    return value;
  }

  /** Places in HubConfig that hold secrets whatever their key is called (lists of tokens). */
  private secretPlace(path: string[]): boolean {
    const p = path.join('/');
    return /^tenants\/[^/]+\/ingressTokens\/\d+$/.test(p) || /^publishers\/\d+\/httpTokens\/\d+$/.test(p);
  }

  /** The loader's file path of a secret as a HubConfig path (publishers are a record in the file, a list in HubConfig). */
  private configPath(filePath: string): string {
    const parts = filePath.split('/').filter(Boolean);
    if (parts[0] === 'publishers' && parts[1] !== undefined) parts[1] = String(this.config.publishers.findIndex((p) => p.name === parts[1]));
    return parts.join('/');
  }
}

function masked(env: string | null, value: string): MaskedSecret {
  return { secret: true, env, set: value !== '' };
}
