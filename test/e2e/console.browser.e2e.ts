import type { Browser } from 'playwright-core';
import { HubProcess } from '../helpers/hub-process.runner';
import { freePort } from '../helpers/private-postgres.helper';
import { createTestSpace, type TestSpace } from '../helpers/test-hub.helper';
import { OidcTestProvider } from '../helpers/oidc-provider.helper';
import { launchChromium, screenshot, signIn } from '../helpers/browser.helper';
import { eventually, sql } from '../helpers/infra.helper';
import { start1cDocflowMock, type RunningDocflowMock } from '../../mocks/1c-docflow';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { newAppeal } from '../helpers/appeal.fixture';

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
  let docflow: RunningDocflowMock;
  let probe: AmqpProbe;

  beforeAll(async () => {
    space = await createTestSpace();
    const [hubPort, oidcPort] = [await freePort(), await freePort()];
    hubUrl = `http://127.0.0.1:${hubPort}`;
    process.env.TEST_OIDC_SECRET = 'test-oidc-client-secret';
    process.env.TEST_BROWSER_1C_PASSWORD = 'browser-1c-secret';
    docflow = await start1cDocflowMock({ users: [{ login: 'hub', password: process.env.TEST_BROWSER_1C_PASSWORD }] });
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
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${docflow.url}", login: hub, password: { env: TEST_BROWSER_1C_PASSWORD }, timeZone: Etc/GMT-3 }
    runner: { concurrency: 2, breakerFailures: 100, breakerOpenMs: 1000, pollIntervalMs: 500, timeoutMs: 3000 }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-1c] }
# One 200 ms retry, then the dead-letter queue: a 1C outage of a few seconds dead-letters an appeal.
retry: { delaysMs: [200], jitter: 0.1 }
deadLetters: { jobIntervalMs: 200 }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
`,
      hubPort,
    );
    await hub.start();
    probe = await AmqpProbe.connect(space.amqpUrl);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await probe?.close();
    await docflow?.close();
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

  it('finds an appeal by its 1C registration number and shows its timeline, personal data masked; an admin reveals a field, audited', async () => {
    const ev = newAppeal(`EP-BR-${Date.now()}`);
    const caseRef = ev.data.caseRef as string;
    await probe.publishEvent(ev);
    const guid = documentGuid(ev);
    await eventually('in 1C', () => docflow.clerk.documents({ type: 'DMIncomingDocument' }).some((d) => d.id === guid), 20_000, 100);
    docflow.clerk.register(guid, { number: 'ВХ-2026-0777' });
    await eventually(
      'registration polled',
      async () => (await sql<{ n: string }>(space.schema, `SELECT count(*) AS n FROM cases WHERE case_ref = $1 AND external_ids::text LIKE '%ВХ-2026-0777%'`, [caseRef]))[0].n === '1',
      20_000,
      200,
    );

    const context = await browser.newContext({ locale: 'uk-UA' });
    const page = await signIn(context, hubUrl, 'vira', '/console/cases?tenant=demo');
    await page.fill('#f-registrationNumber', 'ВХ-2026-0777');
    await Promise.all([page.waitForNavigation(), page.click('#search-submit')]);
    expect(page.url()).toContain('registrationNumber=');
    const rows = await page.$$eval('#cases tr[data-case-ref]', (trs) => trs.map((tr) => tr.getAttribute('data-case-ref')));
    expect(rows).toEqual([caseRef]);
    await screenshot(page, 'case-search');
    await Promise.all([page.waitForNavigation(), page.click(`#cases tr[data-case-ref="${caseRef}"] a.case-link`)]);
    expect(await page.getAttribute('#case-head', 'data-case-ref')).toBe(caseRef);
    expect(await page.textContent('#case-registrations')).toContain('ВХ-2026-0777');
    const categories = await page.$$eval('#timeline tr.step', (trs) => trs.map((tr) => tr.getAttribute('data-category')));
    for (const c of ['ingress', 'routing', 'attempt', 'registration']) expect(categories).toContain(c);
    // The citizen's contacts are masked for a viewer, and there is nothing to reveal with.
    const html = await page.content();
    const { phone, email } = ev.data.applicant.contacts as { phone: string; email: string };
    for (const clear of [phone, email, ev.data.applicant.name.full, ev.data.text]) expect(html).not.toContain(clear);
    expect(await page.$$('#case-contacts span.masked')).not.toHaveLength(0);
    expect(await page.$('form.reveal')).toBeNull();
    // The message view beside it (htmx).
    await page.click('#timeline a.message-link');
    await page.waitForSelector('#message-view #message[data-journal-id]');
    await screenshot(page, 'case-timeline');
    const reveal = await context.request.post(`${hubUrl}/v1/admin/demo/cases/${encodeURIComponent(caseRef)}/reveal`, {
      data: { pointer: '/recipient/phone', reason: 'the citizen called' },
      headers: { 'x-csrf-token': (await page.getAttribute('input[name="_csrf"]', 'value')) ?? '' },
    });
    expect(reveal.status()).toBe(403);
    await context.close();

    const adminContext = await browser.newContext({ locale: 'uk-UA' });
    const adminPage = await signIn(adminContext, hubUrl, 'ada', `/console/cases/demo/${encodeURIComponent(caseRef)}`);
    const form = await adminPage.$('#case-contacts tr[data-pointer] form.reveal');
    expect(form).not.toBeNull();
    const pointer = await adminPage.$eval('#case-contacts tr[data-pointer]', (tr) => tr.getAttribute('data-pointer'));
    await adminPage.fill('#case-contacts tr[data-pointer] form.reveal input[name="reason"]', 'the citizen called to check the number');
    await adminPage.click('#case-contacts tr[data-pointer] form.reveal button');
    await adminPage.waitForSelector('#case-contacts span.revealed[data-revealed="true"]');
    const audit = await sql<{ actor: string; new_value: string }>(space.schema, `SELECT actor, new_value FROM audit_log WHERE entity = 'admin' AND attribute = 'pii.reveal'`);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('oidc:ada (Test ada)');
    expect(JSON.parse(audit[0].new_value)).toMatchObject({ target: `case:appeal:${caseRef}#${pointer}`, reason: 'the citizen called to check the number' });
    // The clear value is on the page, and nowhere in the audit.
    const revealed = ((await adminPage.textContent('#case-contacts span.revealed')) ?? '').trim();
    expect([phone, email, ev.data.applicant.identity.subjectRef, ev.data.applicant.name.full]).toContain(revealed);
    expect(audit[0].new_value).not.toContain(revealed);
    await adminContext.close();
  });

  it('redrives an appeal dead-lettered during a 1C outage once 1C is back: it reaches 1C exactly once; a viewer cannot redrive', async () => {
    const outageMs = 4000;
    const started = Date.now();
    docflow.admin.fault({ fault: 'http-error', status: 500, durationMs: outageMs, message: 'Сервис временно недоступен' });
    const ev = newAppeal(`EP-DL-${Date.now()}`);
    await probe.publishEvent(ev);
    const guid = documentGuid(ev);
    const [letter] = await eventually(
      'dead-lettered and kept',
      async () => {
        const r = await sql<{ id: string }>(space.schema, `SELECT id::text AS id FROM dead_letter WHERE event_id = $1 AND status = 'kept'`, [ev.id]);
        return r.length ? r : undefined;
      },
      20_000,
      100,
    );

    // A viewer sees the dead letter, but neither the page nor the API lets them redrive.
    const viewerContext = await browser.newContext({ locale: 'uk-UA' });
    const viewerPage = await signIn(viewerContext, hubUrl, 'vira', '/console/dead-letters?tenant=demo');
    expect(await viewerPage.$$eval('#dl-list tr[data-letter-id]', (trs) => trs.map((tr) => tr.getAttribute('data-letter-id')))).toContain(letter.id);
    expect(await viewerPage.$('#dl-plan-create')).toBeNull();
    await screenshot(viewerPage, 'dead-letters');
    const csrf = (await viewerPage.getAttribute('input[name="_csrf"]', 'value')) ?? '';
    const denied = await viewerContext.request.post(`${hubUrl}/v1/admin/demo/dead-letters/plans`, { data: { queue: 'hub.work.edms-1c' }, headers: { 'x-csrf-token': csrf } });
    expect(denied.status()).toBe(403);
    expect(await denied.text()).toContain('dead-letters.redrive is not among your permissions');
    await viewerContext.close();

    // 1C recovers; an operator plans and starts the redrive with a reason.
    await new Promise((r) => setTimeout(r, Math.max(0, started + outageMs + 300 - Date.now())));
    expect(docflow.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => d.id === guid)).toHaveLength(0);
    const context = await browser.newContext({ locale: 'uk-UA' });
    const page = await signIn(context, hubUrl, 'oleh', '/console/dead-letters?tenant=demo');
    await Promise.all([page.waitForNavigation(), page.click('#dl-plan-create button[type="submit"]')]);
    expect(Number(await page.textContent('#dl-plan-total'))).toBeGreaterThanOrEqual(1);
    await page.fill('#dl-plan-start input[name="reason"]', '1C is back after the outage');
    await Promise.all([page.waitForNavigation(), page.click('#dl-plan-start button[type="submit"]')]);
    await page.waitForSelector('#dl-progress[data-status="done"]', { timeout: 20_000 });
    await screenshot(page, 'redrive-plan');
    await eventually('in 1C', () => docflow.clerk.documents({ type: 'DMIncomingDocument' }).some((d) => d.id === guid), 20_000, 100);
    await new Promise((r) => setTimeout(r, 1500));
    expect(docflow.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => d.id === guid)).toHaveLength(1);
    const started_ = await sql<{ actor: string; new_value: string }>(space.schema, `SELECT actor, new_value FROM audit_log WHERE entity = 'admin' AND attribute = 'dead-letters.redrive.start'`);
    expect(started_.map((a) => [a.actor, JSON.parse(a.new_value).reason])).toEqual([['oidc:oleh (Test oleh)', '1C is back after the outage']]);
    await context.close();
  });

  it('shows the adapters, the configuration with a dry run and the SLA dashboard to an admin', async () => {
    const context = await browser.newContext({ locale: 'uk-UA' });
    const page = await signIn(context, hubUrl, 'ada', '/console/adapters');
    expect(await page.$('table#adapters tr[data-adapter="edms-1c"]')).not.toBeNull();
    await screenshot(page, 'adapters');
    await page.goto(`${hubUrl}/console/config`);
    expect(await page.textContent('pre#config-effective')).not.toContain(process.env.TEST_OIDC_SECRET ?? 'x');
    await page.fill('#dry-run-message', JSON.stringify(newAppeal('EP-DRY-1')));
    await page.click('#dry-run-submit');
    await page.waitForSelector('#dry-run-result');
    expect(await page.$$eval('#dry-run-targets li[data-target]', (lis) => lis.map((li) => li.getAttribute('data-target')))).toContain('edms-1c');
    await screenshot(page, 'config-dry-run');
    await page.goto(`${hubUrl}/console/dashboard?tenant=demo`);
    await page.waitForSelector('#sla-totals');
    await screenshot(page, 'dashboard');
    await context.close();
  });
});
