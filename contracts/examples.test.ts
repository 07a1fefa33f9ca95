import { createHash } from 'node:crypto';
import { EVENT_CATALOG, EVENT_TYPES, exampleEvent, validateEvent, type EventType } from './index';

describe('exampleEvent', () => {
  it.each(EVENT_TYPES.map((t) => [t]))('gives a valid %s of that type', (type) => {
    const event = exampleEvent(type as EventType);
    expect(event.type).toBe(type);
    expect(validateEvent(event).ok).toBe(true);
  });

  it('sizes the appeal.submitted example at roughly 1 KB of JSON', () => {
    const bytes = Buffer.byteLength(JSON.stringify(exampleEvent('appeal.submitted')));
    expect(bytes).toBeGreaterThanOrEqual(900);
    expect(bytes).toBeLessThanOrEqual(1300);
  });

  it('is deterministic and returns a fresh object every time', () => {
    const a = exampleEvent('application.submitted');
    const b = exampleEvent('application.submitted');
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(a.data).not.toBe(b.data);
  });

  it('applies overrides and removes attributes overridden with undefined', () => {
    const event = exampleEvent('appeal.answered', { id: 'evt-1', tenant: 'lviv', correlationid: undefined });
    expect(event.id).toBe('evt-1');
    expect(event.tenant).toBe('lviv');
    expect('correlationid' in event).toBe(false);
    expect(validateEvent(event).ok).toBe(true);
  });

  it('writes appeals in Ukrainian and the utility application in Russian', () => {
    expect(JSON.stringify(exampleEvent('appeal.submitted').data)).toMatch(/[іїєґ]/);
    expect(JSON.stringify(exampleEvent('application.submitted').data)).toMatch(/[ыэъё]/);
  });

  it('carries dataschema on everything the hub emits', () => {
    for (const type of EVENT_TYPES) {
      if (EVENT_CATALOG[type].producers.includes('portal')) continue;
      expect(exampleEvent(type).dataschema).toBe(`urn:cabinet-hub:contracts:v1:${type}`);
    }
  });

  it('keeps inline file content consistent with its size and hash', () => {
    const file = (exampleEvent('application.submitted').data as { files: any[] }).files[0].signatures[0];
    const bytes = Buffer.from(file.contentBase64, 'base64');
    expect(bytes.length).toBe(file.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
  });
});
