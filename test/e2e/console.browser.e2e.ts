import type { Browser } from 'playwright-core';
import { HubProcess } from '../helpers/hub-process.runner';
import { freePort } from '../helpers/private-postgres.helper';
import { createTestSpace, type TestSpace } from '../helpers/test-hub.helper';
import { OidcTestProvider } from '../helpers/oidc-provider.helper';
import { launchChromium, screenshot, signIn } from '../helpers/browser.helper';
import { sql } from '../helpers/infra.helper';

/**
 * The console in a real browser (Debian's Chromium through playwright-core), signed in through a
 * real OpenID Connect provider (oidc-provider) as each role, against the hub as users run it.
 * Slow for an e2e test (about a minute): a browser, a provider and a hub process start.
 */
describe('console in Chromium, signed in through OIDC', () => {
  let space: TestSpace;
  let oidc: OidcTestProvider;
  let hub: HubProcess;
  let browser: Browser;
  let hubUrl: string;

  beforeAll(async () => {
    space = await createTestSpace();
    const [hubPort, oidcPort] = [await freePort(), await freePort()];
    hubUrl = `http://127.0.0.1:${hubPort}`;
    process.env.TEST_OIDC_SECRET = 'test-oidc-client-secret';
    oidc = await OidcTestProvider.start({
      port: oidcPort,
      clientId: 'cabinet-hub',
      clientSecret: process.env.TEST_OIDC_SECRET,
      redirectUris: [`${hubUrl}/console/auth/callback`],
      users: { vira: ['demo:viewer'], oleh: ['demo:operator'], ada: ['*:admin'], alla: ['demo:auditor'], ostap: ['other:operator'] },
    });
    hub = new HubProcess(
      space,
      `
hub: { source: urn:cabinet-hub:test, publicUrl: "${hubUrl}", amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Demo, locale: uk }
  other: { name: Other }
console:
  oidc: { issuer: "${oidc.issuer}", clientId: cabinet-hub, clientSecret: { env: TEST_OIDC_SECRET }, scopes: [openid, profile, email, cabinet], allowInsecure: true }
`,
      hubPort,
    );
    await hub.start();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await oidc?.stop();
    await space?.cleanup();
  });

  it('shows each role the pages it may use, and the hub refuses the rest', async () => {
    const navOf = async (user: string) => {
      const context = await browser.newContext({ locale: 'uk-UA' });
      const page = await signIn(context, hubUrl, user);
      const nav = await page.$$eval('header nav a', (as) => as.map((a) => a.getAttribute('data-nav')));
      const who = await page.textContent('.user');
      return { context, page, nav, who };
    };
    const vira = await navOf('vira');
    expect(vira.who).toBe('Test vira');
    expect(vira.nav).toEqual(['cases', 'dead-letters', 'adapters', 'config', 'dashboard']);
    expect(await vira.page.textContent('h1')).toContain('консоль');
    await screenshot(vira.page, 'home-viewer');
    // The audit page is not among a viewer's: the server says so, whatever the page shows.
    const refused = await vira.page.goto(`${hubUrl}/console/audit`);
    expect(refused?.status()).toBe(403);
    const api = await vira.context.request.get(`${hubUrl}/v1/admin/demo/audit`);
    expect(api.status()).toBe(403);
    await vira.context.close();

    const ada = await navOf('ada');
    expect(ada.nav).toEqual(['cases', 'dead-letters', 'adapters', 'config', 'dashboard', 'audit', 'tokens']);
    await ada.page.goto(`${hubUrl}/console/audit?tenant=*`);
    const actions = await ada.page.$$eval('#audit tbody tr[data-action]', (rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions).toEqual(['login', 'login']);
    await screenshot(ada.page, 'audit');
    await ada.context.close();

    const alla = await navOf('alla');
    expect(alla.nav).toEqual(['cases', 'dead-letters', 'adapters', 'config', 'dashboard', 'audit']);
    await alla.context.close();
  });

  it('refuses a person with no role, and records the attempt', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await signIn(context, hubUrl, 'nobody');
    expect(await page.textContent('main')).toContain('no role');
    expect(await context.cookies(hubUrl)).not.toContainEqual(expect.objectContaining({ name: 'hub_console' }));
    const denied = await sql<{ n: string }>(space.schema, `SELECT count(*) AS n FROM audit_log WHERE entity = 'admin' AND attribute = 'login.denied'`);
    expect(Number(denied[0].n)).toBe(1);
    await context.close();
  });

  it('creates an API token in the console, shown once, that works on the API; signing out ends the session', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await signIn(context, hubUrl, 'ada', '/console/tokens');
    await page.fill('form[action="/console/tokens"] input[name="name"]', 'nightly export');
    await page.fill('form[action="/console/tokens"] input[name="grants"]', 'demo:auditor');
    await page.fill('form[action="/console/tokens"] input[name="reason"]', 'the nightly evidence export job');
    await page.click('form[action="/console/tokens"] button[type="submit"]');
    const token = (await page.textContent('#new-token pre'))?.trim() ?? '';
    expect(token).toMatch(/^chb_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'tokens');
    const res = await fetch(`${hubUrl}/v1/admin/demo/audit`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    // The auditor token reads demo's audit, not another tenant's.
    expect((await fetch(`${hubUrl}/v1/admin/other/audit`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    const stored = await sql<{ token_hash: string }>(space.schema, `SELECT token_hash FROM admin_token WHERE name = 'nightly export'`);
    expect(stored[0].token_hash).not.toContain(token.slice(4, 20));
    const cookie = (await context.cookies(hubUrl)).find((c) => c.name === 'hub_console')?.value;
    expect(cookie).toBeDefined();
    await page.click('#sign-out');
    await page.waitForURL(/signed-out/);
    // The old session cookie no longer signs anyone in (the provider's own session may, by SSO).
    const after = await fetch(`${hubUrl}/console/tokens`, { headers: { cookie: `hub_console=${cookie}` }, redirect: 'manual' });
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/console\/login\?returnTo=/);
    const logout = await sql<{ n: string }>(space.schema, `SELECT count(*) AS n FROM audit_log WHERE entity = 'admin' AND attribute = 'logout'`);
    expect(Number(logout[0].n)).toBe(1);
    await context.close();
  });

  it('refuses a state change from another site (CSRF) even with a valid session', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, hubUrl, 'ada');
    const forged = await context.request.post(`${hubUrl}/v1/admin/tokens`, { data: { name: 'x', grants: ['*:admin'], reason: 'forged request' } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('CSRF');
    const csrf = await page.getAttribute('input[name="_csrf"]', 'value');
    const fromPage = await context.request.post(`${hubUrl}/v1/admin/tokens`, {
      data: { name: 'x', grants: ['demo:viewer'], reason: 'made with the session token' },
      headers: { 'x-csrf-token': csrf ?? '' },
    });
    expect(fromPage.status()).toBe(201);
    await context.close();
  });
});
