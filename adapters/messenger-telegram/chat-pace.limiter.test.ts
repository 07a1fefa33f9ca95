import { TransientError } from '../../contracts';
import { ChatPacer, MAX_PACING_WAIT_MS } from './chat-pace.limiter';

const never = () => new AbortController().signal;

describe('ChatPacer', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('lets the first message to a chat go at once and spaces the next ones by the interval', async () => {
    const pacer = new ChatPacer(1000, 100, clock);
    await pacer.wait('42', never());
    let second = false;
    const p = pacer.wait('42', never()).then(() => (second = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(second).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await p;
    expect(second).toBe(true);
  });

  it('does not pace different chats against each other, nor anything with interval 0', async () => {
    const pacer = new ChatPacer(1000, 100, clock);
    await pacer.wait('1', never());
    await pacer.wait('2', never());
    const off = new ChatPacer(0, 100, clock);
    await off.wait('1', never());
    await off.wait('1', never());
    expect(off.size).toBe(0);
  });

  it('sends a backlog longer than the longest wait back to the hub with retryAfterMs', async () => {
    const pacer = new ChatPacer(1000, 100, clock);
    pacer.hold('42', MAX_PACING_WAIT_MS + 2000);
    const err = await pacer.wait('42', never()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).retryAfterMs).toBe(MAX_PACING_WAIT_MS + 2000);
  });

  it('ends the wait with a TransientError when the signal aborts', async () => {
    const pacer = new ChatPacer(1000, 100, clock);
    await pacer.wait('42', never());
    const ac = new AbortController();
    const p = pacer.wait('42', ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(TransientError);
  });

  it('remembers a bounded number of chats', async () => {
    const pacer = new ChatPacer(1000, 2, clock);
    for (const chat of ['1', '2', '3']) await pacer.wait(chat, never());
    expect(pacer.size).toBe(2);
  });
});
