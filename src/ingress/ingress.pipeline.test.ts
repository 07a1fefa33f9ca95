import pino from 'pino';
import { CLOUDEVENTS_CONTENT_TYPE, exampleEvent } from '../../contracts';
import { parseHubConfig } from '../config/hub-config.loader';
import { TemplateCatalog } from '../templates/template.catalog';
import { IngressPipeline } from './ingress.pipeline';

/** parse() alone: validation and rights need no database and no broker. */
const config = parseHubConfig('hub: { amqp: { allowAnonymousPublishers: true } }\ntenants:\n  kyiv: { name: Kyiv }\n', 'test', {});
const pipeline = new IngressPipeline(undefined as never, undefined as never, undefined as never, undefined as never, undefined as never, new TemplateCatalog({}), config, pino({ level: 'silent' }));
const parse = (tenant: string) =>
  pipeline.parse({ body: Buffer.from(JSON.stringify(exampleEvent('appeal.submitted', { tenant }))), contentType: CLOUDEVENTS_CONTENT_TYPE, publisher: { kind: 'any' } });

describe('IngressPipeline.parse: tenants', () => {
  it('accepts a configured tenant', () => {
    expect(parse('kyiv').ok).toBe(true);
  });

  it.each(['constructor', 'nope'])('refuses tenant %s, which is not configured ("constructor" is a key of every plain object, no tenant)', (tenant) => {
    expect(parse(tenant)).toMatchObject({ ok: false, errors: [{ pointer: '/tenant', reason: 'unknown tenant: not configured in this hub' }] });
  });
});
