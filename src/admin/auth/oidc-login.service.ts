import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { HUB_CONFIG, LOGGER } from '../../config/injection.tokens';
import type { ConsoleSettings, HubConfig } from '../../config/hub-config.schema';
import { safeError } from '../../logging/pii.mask';
import { mergeGrants, parseGrants, type Grants } from './admin.roles';

type OidcClient = typeof import('openid-client');
type OidcConfiguration = import('openid-client').Configuration;

/** Who the provider says signed in, and the grants that gives them here. */
export interface SignedIn {
  subject: string;
  name: string;
  grants: Grants;
}

/**
 * OpenID Connect sign-in (authorization code with PKCE, state and nonce) through `openid-client`.
 * The library is ESM-only; Node ≥ 20.19 loads it with `require`, and it is loaded on the first
 * sign-in, so a hub without `console.oidc` never touches it. The provider's metadata is fetched
 * then, and again after a failure (a provider that was down at startup does not stop the hub).
 */
@Injectable()
export class OidcLogin {
  private configuration?: Promise<OidcConfiguration>;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.console.oidc !== undefined;
  }

  /** The URL to send the browser to, with the secrets the callback needs to finish. */
  async begin(redirectUri: string): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }> {
    const client = oidc();
    const cfg = await this.discovered();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: redirectUri,
      scope: this.settings().scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code of a callback URL; throws when anything does not check out (state, nonce, signature, issuer). */
  async finish(callbackUrl: URL, login: { state: string; nonce: string; codeVerifier: string }): Promise<SignedIn> {
    const client = oidc();
    const cfg = await this.discovered();
    const tokens = await client.authorizationCodeGrant(cfg, callbackUrl, { pkceCodeVerifier: login.codeVerifier, expectedState: login.state, expectedNonce: login.nonce });
    let claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
    const subject = String(claims.sub ?? '');
    if (!subject) throw new Error('the ID token has no subject');
    const s = this.settings();
    if (claimAt(claims, s.rolesClaim) === undefined) {
      // Providers (Keycloak among them) often put roles only in the user info, not the ID token.
      try {
        claims = { ...(await client.fetchUserInfo(cfg, tokens.access_token, subject)), ...claims };
      } catch (e) {
        this.logger.warn({ event: 'oidc.userinfo-failed', error: safeError(e) }, 'could not read the user info; signing in with the ID token claims only');
      }
    }
    return { subject, name: displayName(claims), grants: grantsOf(claims, s, this.config.console.users) };
  }

  private settings(): NonNullable<ConsoleSettings['oidc']> {
    const s = this.config.console.oidc;
    if (!s) throw new Error('console.oidc is not configured');
    return s;
  }

  private discovered(): Promise<OidcConfiguration> {
    const s = this.settings();
    const client = oidc();
    this.configuration ??= client
      .discovery(
        new URL(s.issuer),
        s.clientId,
        s.clientSecret,
        s.clientSecret ? client.ClientSecretPost(s.clientSecret) : client.None(),
        s.allowInsecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        this.configuration = undefined;
        throw e;
      });
    return this.configuration;
  }
}

function oidc(): OidcClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('openid-client') as OidcClient;
}

/** A claim by dot path (`realm_access.roles`). */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let v: unknown = claims;
  for (const k of path.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The grants of a signed-in person: the roles claim's `<tenant>:<role>` values and the configured users' grants. */
export function grantsOf(claims: Record<string, unknown>, s: { rolesClaim: string }, users: ConsoleSettings['users']): Grants {
  const raw = claimAt(claims, s.rolesClaim);
  const fromClaim = parseGrants(Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : []);
  const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email.toLowerCase() : undefined;
  const configured = users.filter((u) => (u.subject !== undefined && u.subject === claims.sub) || (u.email !== undefined && u.email === email)).flatMap((u) => u.grants);
  return mergeGrants(fromClaim, parseGrants(configured));
}

/** A display name from the usual claims; the subject when there is none. */
function displayName(claims: Record<string, unknown>): string {
  for (const k of ['name', 'preferred_username', 'email']) if (typeof claims[k] === 'string' && (claims[k] as string).trim()) return (claims[k] as string).trim().slice(0, 200);
  return String(claims.sub).slice(0, 200);
}
