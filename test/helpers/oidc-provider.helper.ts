import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A real OpenID Connect provider for tests: the `oidc-provider` package (the certified
 * implementation behind many IdPs), started in a child process because it is ESM-only and Jest
 * runs CommonJS. Its development sign-in form accepts any user name; the users given here get
 * a `cabinet_hub_roles` claim with their grants, as a Keycloak realm would give them.
 *
 * Run directly (`node dist/test/helpers/oidc-provider.helper.js`) it serves with settings from
 * OIDC_TEST_SETTINGS (JSON) and prints `oidc-provider listening <issuer>`.
 */
export interface OidcTestSettings {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** User name → grants (`demo:viewer`…); users not listed sign in with no grant. */
  users: Record<string, string[]>;
}

// This very file compiled: itself when running from dist/ (the demo), its build when run by ts-jest.
const SELF = __filename.endsWith('.js') ? __filename : resolve(__dirname, '../../dist/test/helpers/oidc-provider.helper.js');

/** A provider running in a child process. */
export class OidcTestProvider {
  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
  ) {}

  static async start(settings: OidcTestSettings): Promise<OidcTestProvider> {
    if (!existsSync(SELF)) throw new Error(`${SELF} is missing: run "npm run build" first (npm test does)`);
    const child = spawn(process.execPath, [SELF], { env: { ...process.env, OIDC_TEST_SETTINGS: JSON.stringify(settings) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const issuer = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`the OIDC provider did not start:\n${out}`)), 20_000);
      const onData = (d: Buffer) => {
        out += d;
        const m = /oidc-provider listening (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(m[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => rej(new Error(`the OIDC provider exited with ${code}:\n${out}`)));
    });
    return new OidcTestProvider(child, issuer);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((res) => {
      this.child.once('exit', () => res());
      this.child.kill('SIGTERM');
    });
  }
}

async function serve(): Promise<void> {
  const s = JSON.parse(process.env.OIDC_TEST_SETTINGS ?? '{}') as OidcTestSettings;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('oidc-provider') as { default: new (issuer: string, config: Record<string, unknown>) => { listen(port: number, host: string, cb: () => void): unknown; proxy: boolean } };
  const issuer = `http://127.0.0.1:${s.port}`;
  const provider = new mod.default(issuer, {
    clients: [
      {
        client_id: s.clientId,
        client_secret: s.clientSecret,
        redirect_uris: s.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'], cabinet: ['cabinet_hub_roles'] },
    scopes: ['openid', 'profile', 'email', 'cabinet'],
    // Roles in the ID token, as a Keycloak mapper puts them (the hub also reads the user info).
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, name: `Test ${id}`, preferred_username: id, email: `${id}@example.test`, email_verified: true, cabinet_hub_roles: s.users[id] ?? [] }),
    }),
    cookies: { keys: ['test-only-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  provider.listen(s.port, '127.0.0.1', () => process.stdout.write(`oidc-provider listening ${issuer}\n`));
}

if (require.main === module) void serve();
