import { dlqName, retryQueueName, workQueueName } from './topology.declaration';

describe('topology', () => {
  it('names the work queue of an adapter instance', () => {
    expect(workQueueName('edms-demo')).toBe('hub.work.edms-demo');
  });

  it('names the DLQ and retry tiers after their consumer queue', () => {
    expect(dlqName('hub.ingress')).toBe('hub.ingress.dlq');
    expect(retryQueueName('hub.ingress', 0)).toBe('hub.ingress.retry.0');
    expect(retryQueueName(workQueueName('edms-demo'), 4)).toBe('hub.work.edms-demo.retry.4');
    expect(dlqName(workQueueName('edms-demo'))).toBe('hub.work.edms-demo.dlq');
  });
});
