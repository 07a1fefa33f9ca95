import { PermanentError } from '../../contracts';
import type { HubConfig } from '../config/hub-config.schema';
import { EventEmitter } from './event.emitter';

/** build() is pure: the publisher, completer and repository are never touched by it. */
const emitter = new EventEmitter({ hub: { source: 'urn:cabinet-hub:test' } } as HubConfig, undefined as never, undefined as never, undefined as never);

describe('EventEmitter.build', () => {
  it('builds a CloudEvent for cabinet.out with the journal id in the headers', () => {
    const b = emitter.build({ type: 'contact.linked', tenant: 'demo', data: { citizenRef: 'c-1', channel: 'telegram', address: '42', active: true, changedAt: '2026-12-01T10:00:00.000Z' } });
    expect(b.message.exchange).toBe('cabinet.out');
    expect(b.message.routingKey).toBe('demo.contact.linked');
    expect(b.message.options.headers?.['x-hub-journal-id']).toBe(b.journalId);
    expect(JSON.parse(b.message.content.toString())).toMatchObject({ specversion: '1.0', type: 'contact.linked', tenant: 'demo', source: 'urn:cabinet-hub:test' });
    expect(b.ignored).toBe(false);
  });

  it('refuses an event that fails its own contract with a PermanentError (retrying cannot fix it)', () => {
    const bad = () => emitter.build({ type: 'contact.linked', tenant: 'demo', data: { citizenRef: 'c-1' } as never });
    expect(bad).toThrow(PermanentError);
    expect(bad).toThrow(/the hub produced an invalid contact.linked: \/data/);
  });

  it('names the adapter when an adapter result is invalid', () => {
    expect(() => emitter.build({ type: 'appeal.registered', tenant: 'demo', data: {} as never, via: 'adapter:edms-1' })).toThrow(/adapter edms-1 produced an invalid appeal.registered/);
  });
});
