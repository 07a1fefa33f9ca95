import { PermanentError, TransientError } from '../../contracts';
import { decideFailure } from './failure.router';
import { ConsumerQueueSpec } from './topology.declaration';

const spec: ConsumerQueueSpec = { queue: 'hub.work.x', binds: [{ exchange: 'hub.work', routingKey: 'x' }], deliveryLimit: 20, retryDelaysMs: [1000, 5000, 30000], jitter: 0.2 };

describe('decideFailure', () => {
  it('retries transient failures through the tiers in order, then dead-letters', () => {
    const mid = () => 0.5; // no jitter at the midpoint
    expect(decideFailure(spec, 1, new TransientError('timeout'), mid)).toEqual({ action: 'retry', queue: 'hub.work.x.retry.0', delayMs: 1000, attempt: 1 });
    expect(decideFailure(spec, 2, new TransientError('timeout'), mid)).toEqual({ action: 'retry', queue: 'hub.work.x.retry.1', delayMs: 5000, attempt: 2 });
    expect(decideFailure(spec, 3, new Error('surprise'), mid)).toEqual({ action: 'retry', queue: 'hub.work.x.retry.2', delayMs: 30000, attempt: 3 });
    expect(decideFailure(spec, 4, new TransientError('timeout'), mid)).toEqual({ action: 'dead-letter', queue: 'hub.work.x.dlq', attempt: 4 });
  });

  it('dead-letters permanent failures at once', () => {
    expect(decideFailure(spec, 1, new PermanentError('401 from the EDMS'))).toEqual({ action: 'dead-letter', queue: 'hub.work.x.dlq', attempt: 1 });
  });

  it('spreads delays by the jitter and never beyond the tier queue TTL', () => {
    expect(decideFailure(spec, 1, new TransientError('x'), () => 0)).toMatchObject({ delayMs: 800 });
    expect(decideFailure(spec, 1, new TransientError('x'), () => 0.999999)).toMatchObject({ delayMs: 1200 });
  });

  it('honours a Retry-After hint by moving to a tier long enough for it', () => {
    expect(decideFailure(spec, 1, new TransientError('429', 4000), () => 0)).toEqual({ action: 'retry', queue: 'hub.work.x.retry.1', delayMs: 4000, attempt: 1 });
    // A hint longer than every tier waits as long as the last tier allows.
    expect(decideFailure(spec, 1, new TransientError('429', 3_600_000), () => 0.5)).toEqual({ action: 'retry', queue: 'hub.work.x.retry.2', delayMs: 36000, attempt: 1 });
  });
});
