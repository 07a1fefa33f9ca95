import { Type } from '@sinclair/typebox';
import { defineAdapter, SECRET_KEYWORD } from '../../contracts';
import { checkAdapterInstances, enabledAdapters } from './adapter.registry';

const fake = defineAdapter({
  type: 'edms.fake',
  capabilities: ['edms.appeal.register'],
  consumes: ['appeal.submitted'],
  mock: 'fake',
  configSchema: Type.Object({ baseUrl: Type.String({ format: 'uri' }), login: Type.String(), password: Type.String({ [SECRET_KEYWORD]: true }) }, { additionalProperties: false }),
  create: () => ({ handle: async () => ({ results: [] }), probe: async () => ({ ok: true }) }),
});

describe('checkAdapterInstances', () => {
  it('accepts an enabled instance of an installed type with valid settings', () => {
    const adapters = { a: { type: 'edms.fake', enabled: true, config: { baseUrl: 'http://127.0.0.1:8081/ws', login: 'Портал', password: 'x' } } };
    expect(checkAdapterInstances({ adapters }, [fake])).toEqual([]);
    expect([...enabledAdapters({ adapters }, [fake]).keys()]).toEqual(['a']);
  });

  it('names every bad setting by its path', () => {
    const adapters = { a: { type: 'edms.fake', enabled: true, config: { baseUrl: 'not a url', passwrd: 'x' } } };
    expect(checkAdapterInstances({ adapters }, [fake])).toEqual(
      expect.arrayContaining([
        { path: '/adapters/a/config/baseUrl', message: expect.stringContaining('uri') },
        { path: '/adapters/a/config/login', message: 'is required' },
        { path: '/adapters/a/config/password', message: 'is required' },
        { path: '/adapters/a/config/passwrd', message: 'is not a setting of this adapter' },
      ]),
    );
  });

  it('refuses an enabled instance whose type is not installed, and lets a disabled one wait', () => {
    const adapters = { on: { type: 'edms.other', enabled: true, config: {} }, off: { type: 'edms.other', enabled: false, config: {} } };
    expect(checkAdapterInstances({ adapters }, [fake])).toEqual([
      { path: '/adapters/on/type', message: expect.stringMatching(/no adapter of type "edms.other" is installed \(installed: edms.fake\)/) },
    ]);
    expect(enabledAdapters({ adapters }, [fake]).size).toBe(0);
  });
});
