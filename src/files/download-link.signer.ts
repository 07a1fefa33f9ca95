import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { ENV_CONFIG, HUB_CONFIG } from '../config/injection.tokens';
import { FileLinkKeyRepository } from './file-link-key.repository';
import { SHA256_HEX } from './file-store.port';

/** What a download link grants: one stored file, for one tenant's consumers, under a name and type, until a time. */
export interface LinkGrant {
  sha256: string;
  tenant: string;
  name: string;
  mediaType: string;
  /** Unix time (seconds) after which the link no longer works. */
  expires: number;
}

/** Why a link was refused; said in the 403 answer (never the signature itself). */
export type LinkRefusal = 'malformed' | 'expired' | 'bad-signature' | 'unknown-tenant';

/** The path of download links; the controller serves it. */
export const FILES_PATH = 'v1/files';

/**
 * Expiring signed download links served by the hub:
 * `<base>/v1/files/<sha256>?t=<tenant>&n=<name>&m=<mediaType>&e=<unix expiry>&s=<signature>`,
 * the signature being HMAC-SHA256 (base64url) over a canonical JSON array of a version tag and
 * those five values, so no value can be shifted into another. The key is `hub.files.signingKey`,
 * or, without one, a random key generated once and kept in the database. `base` is `hub.publicUrl`,
 * else the hub's own listening address.
 */
@Injectable()
export class DownloadLinks {
  private keyPromise?: Promise<Buffer>;
  private port: number;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    private readonly keys: FileLinkKeyRepository,
  ) {
    this.port = env.httpPort;
  }

  /** The clock; tests substitute it. */
  now: () => number = () => Date.now();

  /** Once the server listens on a port picked by the system (HTTP_PORT=0), links name that port. */
  useListeningPort(port: number): void {
    this.port = port;
  }

  /** The base URL links start with. Without `hub.publicUrl`, an unspecified listening address is reached as the loopback. */
  get baseUrl(): string {
    if (this.config.hub.publicUrl) return this.config.hub.publicUrl;
    const host = ['0.0.0.0', '::', ''].includes(this.env.httpHost) ? '127.0.0.1' : this.env.httpHost;
    return `http://${isIP(host) === 6 ? `[${host}]` : host}:${this.port}`;
  }

  /** A link to a stored file, valid for `hub.files.linkTtlSeconds` from now. */
  async link(file: Omit<LinkGrant, 'expires'>, ttlSeconds = this.config.hub.files.linkTtlSeconds): Promise<string> {
    const grant: LinkGrant = { ...file, expires: Math.floor(this.now() / 1000) + ttlSeconds };
    const query = new URLSearchParams({ t: grant.tenant, n: grant.name, m: grant.mediaType, e: String(grant.expires), s: await this.sign(grant) });
    return `${this.baseUrl}/${FILES_PATH}/${grant.sha256}?${query.toString()}`;
  }

  /** Checks a request's path parameter and query; the grant when the link is genuine, unexpired and for a tenant of this hub. */
  async verify(sha256: string, query: Record<string, unknown>): Promise<{ ok: true; grant: LinkGrant } | { ok: false; reason: LinkRefusal }> {
    const [t, n, m, e, s] = ['t', 'n', 'm', 'e', 's'].map((k) => query[k]);
    if (!SHA256_HEX.test(sha256) || ![t, n, m, e, s].every((v) => typeof v === 'string') || !/^\d{1,12}$/.test(e as string)) return { ok: false, reason: 'malformed' };
    const grant: LinkGrant = { sha256, tenant: t as string, name: n as string, mediaType: m as string, expires: Number(e) };
    const expected = Buffer.from(await this.sign(grant));
    const given = Buffer.from(s as string);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
    if (grant.expires * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    if (!Object.hasOwn(this.config.tenants, grant.tenant)) return { ok: false, reason: 'unknown-tenant' };
    return { ok: true, grant };
  }

  private async sign(g: LinkGrant): Promise<string> {
    const canonical = JSON.stringify(['cabinet-hub/file-link/v1', g.sha256, g.tenant, g.name, g.mediaType, g.expires]);
    return createHmac('sha256', await this.key())
      .update(canonical)
      .digest('base64url');
  }

  private key(): Promise<Buffer> {
    const configured = this.config.hub.files.signingKey;
    if (configured) return Promise.resolve(Buffer.from(configured, 'utf8'));
    // Read once; a failure (database away) is not remembered, the next link tries again.
    this.keyPromise ??= this.keys.key().catch((e: unknown) => {
      this.keyPromise = undefined;
      throw e;
    });
    return this.keyPromise;
  }
}
