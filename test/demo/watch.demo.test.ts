import { exampleEvent } from '../../contracts';
import { describeEvent } from './watch.demo';

const line = (type: Parameters<typeof exampleEvent>[0]) => describeEvent(`kyiv.${type}`, Buffer.from(JSON.stringify(exampleEvent(type))));

describe('watch.demo describeEvent', () => {
  it('shows a registration with its number and case', () => {
    const ev = exampleEvent('appeal.registered') as { data: { caseRef: string; registrationNumber: string } };
    expect(line('appeal.registered')).toContain(`appeal.registered  caseRef=${ev.data.caseRef} registrationNumber=${ev.data.registrationNumber}`);
  });

  it('shows every error of a rejection with its pointer', () => {
    expect(line('message.rejected')).toContain('errors=/data/applicant/contacts/email: must be an e-mail address; /data/txet:');
  });

  it('shows a notification status with channel and status, and no recipient contacts', () => {
    const ev = exampleEvent('notification.status-changed') as { data: Record<string, any> };
    const shown = line('notification.status-changed');
    expect(shown).toContain(`channel=${ev.data.channel} status=${ev.data.status}`);
    expect(shown).not.toMatch(/\+380|@/);
  });

  it('shows an added document with its kind, name, size and the link to download it', () => {
    const { data } = exampleEvent('application.document-added') as { data: { caseRef: string; kind: string; document: { name: string; size: number; url: string } } };
    expect(line('application.document-added')).toContain(
      `application.document-added  caseRef=${data.caseRef} kind=${data.kind} name=${data.document.name} size=${data.document.size} signatures=1 url=${data.document.url}`,
    );
  });

  it('names a body that is not JSON instead of throwing', () => {
    expect(describeEvent('demo.x', Buffer.from('{nope'))).toBe('demo.x  (not JSON, 5 bytes)');
  });
});
