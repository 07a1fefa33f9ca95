import { planChannels } from './channel.planner';

const settings = { channels: { viber: 'vb', telegram: 'tg', sms: 'sms', email: 'mail' }, order: ['viber', 'telegram', 'sms', 'email'] as const };
const all = () => true;
const contacts = { phone: '+380501234567', email: 'a@example.com', viberUserId: 'v1=' };

describe('planChannels', () => {
  it('follows the citizen order and skips channels without an address', () => {
    const plan = planChannels({ contacts, channels: ['telegram', 'sms', 'viber'] }, [], false, { ...settings, order: [...settings.order] }, all);
    expect(plan.steps.map((s) => s.channel)).toEqual(['sms', 'viber']);
    expect(plan.steps[0]).toEqual({ channel: 'sms', address: '+380501234567', adapter: 'sms' });
  });

  it('uses the tenant order when the citizen has none, and linked chats when contacts lack them', () => {
    const plan = planChannels({ contacts: { phone: '+380501234567' } }, [{ channel: 'telegram', address: '42', active: true }], false, { ...settings, order: [...settings.order] }, all);
    expect(plan.steps.map((s) => `${s.channel}:${s.address}`)).toEqual(['telegram:42', 'sms:+380501234567']);
  });

  it('does not send a muted non-mandatory notice, but a mandatory one goes out on every channel after the preferred', () => {
    expect(planChannels({ contacts, muted: true }, [], false, { ...settings, order: [...settings.order] }, all)).toEqual({ steps: [], reason: 'muted' });
    const plan = planChannels({ contacts, muted: true, channels: ['email'] }, [], true, { ...settings, order: [...settings.order] }, all);
    expect(plan.steps.map((s) => s.channel)).toEqual(['email', 'viber', 'sms']);
  });

  it('skips addresses known to be inactive, channels without an adapter, and channels the template has no text for', () => {
    const links = [{ channel: 'viber' as const, address: 'v1=', active: false }];
    const plan = planChannels({ contacts }, links, false, { channels: { viber: 'vb', sms: 'sms' }, order: [...settings.order] }, (c) => c !== 'sms');
    expect(plan).toEqual({ steps: [], reason: 'no-channel' });
  });
});
