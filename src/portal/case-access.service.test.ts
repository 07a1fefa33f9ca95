import { parseHubConfig } from '../config/hub-config.loader';
import { CaseAccessService, readsKind } from './case-access.service';

const access = new CaseAccessService(
  parseHubConfig(
    `
tenants:
  kyiv: { name: Kyiv, ingressTokens: [{ env: KYIV_TOKEN }] }
  lviv: { name: Lviv, http: { open: true } }
  odesa: { name: Odesa }
publishers:
  city-portal: { tenants: [kyiv, lviv], types: [appeal.*], httpTokens: [{ env: CITY_TOKEN }] }
  utility: { tenants: ['*'], types: [application.submitted], httpTokens: [{ env: UTILITY_TOKEN }] }
  broadcaster: { tenants: [kyiv], types: [notification.requested], httpTokens: [{ env: NOTIFY_TOKEN }] }
  everything: { tenants: [odesa], httpTokens: [{ env: ODESA_TOKEN }] }
`,
    'test',
    { KYIV_TOKEN: 'kyiv-token', CITY_TOKEN: 'city-token', UTILITY_TOKEN: 'utility-token', NOTIFY_TOKEN: 'notify-token', ODESA_TOKEN: 'odesa-token' },
  ),
);
const bearer = (t: string) => `Bearer ${t}`;

describe('who may read cases', () => {
  it('needs a token the hub knows, unless the tenant is open', () => {
    expect(access.authorize(undefined, 'kyiv')).toEqual({ ok: false, status: 401, reason: expect.stringMatching(/bearer token is required/) });
    expect(access.authorize(bearer('kyiv-tokeN'), 'kyiv')).toEqual({ ok: false, status: 401, reason: 'the bearer token is not valid' });
    expect(access.authorize('Basic a2l5aXY=', 'kyiv')).toMatchObject({ ok: false, status: 401 });
    expect(access.authorize(undefined, 'lviv')).toEqual({ ok: true, kinds: ['appeal', 'application'], reader: 'open:lviv' });
  });

  it('refuses a valid token for another tenant with 403, the same for every tenant (known or not)', () => {
    for (const tenant of ['odesa', 'lviv-x', 'nope'])
      expect(access.authorize(bearer('kyiv-token'), tenant)).toMatchObject({ ok: false, status: 403, reason: 'this token may not read cases of this tenant' });
    // A token given for an open tenant is still checked: it is not for lviv.
    expect(access.authorize(bearer('odesa-token'), 'lviv')).toMatchObject({ ok: false, status: 403 });
  });

  it('reads the kinds of case its publisher types cover', () => {
    expect(access.authorize(bearer('kyiv-token'), 'kyiv')).toEqual({ ok: true, kinds: ['appeal', 'application'], reader: 'tenant:kyiv' });
    expect(access.authorize(bearer('city-token'), 'kyiv')).toEqual({ ok: true, kinds: ['appeal'], reader: 'city-portal' });
    expect(access.authorize(bearer('city-token'), 'kyiv', 'application')).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/may not read application cases/) });
    expect(access.authorize(bearer('utility-token'), 'odesa')).toEqual({ ok: true, kinds: ['application'], reader: 'utility' });
    expect(access.authorize(bearer('utility-token'), 'odesa', 'application')).toMatchObject({ ok: true, kinds: ['application'] });
    expect(access.authorize(bearer('notify-token'), 'kyiv')).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/may not read cases/) });
    expect(access.authorize(bearer('odesa-token'), 'odesa')).toMatchObject({ ok: true, kinds: ['appeal', 'application'] });
  });

  it('matches type patterns as the ingress does', () => {
    expect(readsKind(['*'], 'appeal')).toBe(true);
    expect(readsKind(['application.*'], 'appeal')).toBe(false);
    expect(readsKind(['application.document-added'], 'application')).toBe(true);
    expect(readsKind(['appeal.status-changed'], 'appeal')).toBe(true);
    expect(readsKind(['contact.*', 'notification.requested'], 'appeal')).toBe(false);
  });
});
