import { parseHubConfig } from '../config/hub-config.loader';
import { PublisherRights, HTTP_INGRESS_HEADER } from './publisher-rights.service';

const config = (extra = '') =>
  parseHubConfig(
    `
tenants:
  kyiv: { name: Kyiv, ingressTokens: [{ env: KYIV_TOKEN }] }
  lviv: { name: Lviv, http: { open: true } }
  odesa: { name: Odesa }
publishers:
  city-portal: { tenants: [kyiv, lviv], types: [appeal.*], amqpUser: portal-city, httpTokens: [{ env: CITY_TOKEN }] }
  utility: { tenants: ['*'], types: [application.submitted], amqpUser: portal-utility }
${extra}`,
    'test',
    { KYIV_TOKEN: 'kyiv-token', CITY_TOKEN: 'city-token' },
  );

describe('PublisherRights', () => {
  describe('AMQP', () => {
    const rights = new PublisherRights(config());

    it('names the publisher by user_id', () => {
      expect(rights.forAmqp('portal-city', {}, 'hub')).toEqual({ kind: 'known', name: 'city-portal', tenants: ['kyiv', 'lviv'], types: ['appeal.*'] });
    });

    it('refuses a message without user_id or with a broker user that is no publisher', () => {
      expect(rights.forAmqp(undefined, {}, 'hub')).toEqual({ kind: 'unidentified', reason: expect.stringMatching(/^publisher not identified: set the user_id property/) });
      expect(rights.forAmqp('stranger', {}, 'hub')).toMatchObject({ kind: 'unidentified' });
    });

    it("trusts only the hub's own user carrying the HTTP ingress mark (rights were checked on HTTP)", () => {
      expect(rights.forAmqp('hub', { [HTTP_INGRESS_HEADER]: 'http' }, 'hub')).toEqual({ kind: 'any' });
      expect(rights.forAmqp('portal-city', { [HTTP_INGRESS_HEADER]: 'http' }, 'hub')).toMatchObject({ kind: 'known', name: 'city-portal' });
      expect(rights.forAmqp('hub', {}, 'hub')).toMatchObject({ kind: 'unidentified' });
    });

    it('lets anonymous publishers in only when allowed explicitly, and keeps known ones bound', () => {
      const open = new PublisherRights(config('hub: { amqp: { allowAnonymousPublishers: true } }'));
      expect(open.forAmqp(undefined, {}, 'hub')).toEqual({ kind: 'any' });
      expect(open.forAmqp('portal-city', {}, 'hub')).toMatchObject({ kind: 'known' });
      expect(open.warnings()).toContainEqual(expect.stringMatching(/allowAnonymousPublishers is on/));
    });

    it('stays bound when no publisher names a broker user: every AMQP message is unidentified, and the operator is told', () => {
      const none = new PublisherRights(parseHubConfig('tenants:\n  kyiv: { name: Kyiv }\n', 'test', {}));
      expect(none.amqpBound).toBe(false);
      expect(none.forAmqp(undefined, {}, 'hub')).toMatchObject({ kind: 'unidentified' });
      expect(none.forAmqp('guest', {}, 'hub')).toMatchObject({ kind: 'unidentified' });
      expect(none.warnings()).toEqual([expect.stringMatching(/every AMQP message on cabinet.in will be rejected/)]);
    });

    it('accepts unidentified publishers only when the configuration says so explicitly, with a warning', () => {
      const open = new PublisherRights(parseHubConfig('hub: { amqp: { allowAnonymousPublishers: true } }\ntenants:\n  kyiv: { name: Kyiv }\n', 'test', {}));
      expect(open.forAmqp(undefined, {}, 'hub')).toEqual({ kind: 'any' });
      expect(open.warnings()).toEqual([expect.stringMatching(/allowAnonymousPublishers is on/)]);
    });
  });

  describe('HTTP', () => {
    const rights = new PublisherRights(config());

    it('maps publisher tokens and per-tenant tokens to their rights; anything else is invalid', () => {
      expect(rights.forBearer('Bearer city-token')).toMatchObject({ name: 'city-portal' });
      expect(rights.forBearer('bearer kyiv-token')).toEqual({ kind: 'known', name: 'tenant:kyiv', tenants: ['kyiv'], types: ['*'] });
      expect(rights.forBearer('Bearer city-tokeN')).toBe('invalid');
      expect(rights.forBearer('Basic Y2l0eQ==')).toBe('invalid');
      expect(rights.forBearer(undefined)).toBeUndefined();
    });

    it('opens only the tenants configured open, and warns about them', () => {
      expect(rights.openTenant('lviv')).toMatchObject({ kind: 'known', tenants: ['lviv'] });
      expect(rights.openTenant('kyiv')).toBeUndefined();
      expect(rights.openTenant(undefined)).toBeUndefined();
      expect(rights.warnings()).toContainEqual(expect.stringMatching(/tenant "lviv" is open on the HTTP ingress/));
    });
  });

  describe('rights and where rejections go', () => {
    const rights = new PublisherRights(config());
    const city = rights.forAmqp('portal-city', {}, 'hub');
    const utility = rights.forAmqp('portal-utility', {}, 'hub');

    it('refuses a tenant at /tenant and a type at /type', () => {
      expect(rights.errors(city, { tenant: 'kyiv', type: 'appeal.submitted' })).toEqual([]);
      expect(rights.errors(city, { tenant: 'odesa', type: 'application.submitted' })).toEqual([
        { pointer: '/tenant', reason: 'this publisher may not publish for this tenant' },
        { pointer: '/type', reason: 'this publisher may not publish this event type' },
      ]);
      expect(rights.errors(utility, { tenant: 'odesa', type: 'application.submitted' })).toEqual([]);
      expect(rights.errors({ kind: 'any' }, { tenant: 'odesa', type: 'appeal.submitted' })).toEqual([]);
    });

    it("answers on the body's tenant when the publisher may use it, else on the publisher's first tenant", () => {
      expect(rights.replyTenant(city, 'lviv')).toBe('lviv');
      expect(rights.replyTenant(city, 'odesa')).toBe('kyiv');
      expect(rights.replyTenant(city, undefined)).toBe('kyiv');
      expect(rights.replyTenant(utility, 'odesa')).toBe('odesa');
      expect(rights.replyTenant(utility, undefined)).toBeUndefined();
      expect(rights.replyTenant(undefined, 'odesa')).toBe('odesa');
    });
  });
});
