import { parseHubConfig } from '../../config/hub-config.loader';
import { EffectiveConfigService } from './effective-config.service';

const YAML = `
tenants:
  demo: { name: Demo, ingressTokens: [{ env: T_TOKEN }] }
  other: { name: Other }
publishers:
  portal: { tenants: [demo], httpTokens: [{ env: T_PUB }] }
adapters:
  a: { type: edms.x, enabled: false, config: { url: 'https://u:literalpass@host/x', nested: { apiKey: { env: T_KEY } }, note: 'contains T_KEY value: key-123456789' } }
routes:
  - { tenants: [other], types: ['*'], to: [a] }
`;

describe('EffectiveConfigService', () => {
  const env = { T_TOKEN: 'tok-abcdefgh', T_PUB: 'pub-abcdefgh', T_KEY: 'key-123456789' };
  const config = parseHubConfig(YAML, 'test', env);
  const svc = new EffectiveConfigService(config);

  it('masks what came from secret variables by place and by value, and URL passwords', () => {
    const v = svc.view('hub');
    const text = JSON.stringify(v);
    for (const value of Object.values(env)) expect(text).not.toContain(value);
    expect(text).not.toContain('literalpass');
    const c = v.config as any;
    expect(c.tenants.demo.ingressTokens).toEqual([{ secret: true, env: 'T_TOKEN', set: true }]);
    expect(c.publishers[0].httpTokens).toEqual([{ secret: true, env: 'T_PUB', set: true }]);
    expect(c.adapters.a.config.nested.apiKey).toEqual({ secret: true, env: 'T_KEY', set: true });
    // A secret's value inside another string masks that string.
    expect(c.adapters.a.config.note).toEqual({ secret: true, env: 'T_KEY', set: true });
    expect(c.adapters.a.config.url).toBe('https://u:•••••@host/x');
  });

  it('gives a tenant only its part', () => {
    const v = svc.view(['demo']);
    expect(v.scope).toEqual({ tenants: ['demo'] });
    const c = v.config as any;
    expect(Object.keys(c.tenants)).toEqual(['demo']);
    expect(c.routes).toEqual([]);
    expect(c.adapters).toEqual({});
    expect(c.publishers.map((p: { name: string }) => p.name)).toEqual(['portal']);
    expect(JSON.stringify(v)).not.toContain('tok-abcdefgh');
  });
});
