/**
 * Builds the AsyncAPI 3.0 document of the hub's AMQP interface.
 */
import { exampleEvent } from '../examples/event.examples';
import { BACK_OFFICE_EVENT_TYPES, EVENT_CATALOG, INBOUND_EVENT_TYPES, OUTBOUND_EVENT_TYPES, PORTAL_EVENT_TYPES } from '../model/event-catalog.registry';
import { CLOUDEVENTS_CONTENT_TYPE, CONTRACT_VERSION, EVENT_TYPES, type EventType } from '../model/event-type.constants';
import { MAX_INLINE_FILE_BYTES } from '../model/file.schema';
import { schemaFileName } from './json-schema.builder';

/** Exchange portals and connectors publish to. */
export const INBOUND_EXCHANGE = 'cabinet.in';
/** Exchange the hub publishes to. */
export const OUTBOUND_EXCHANGE = 'cabinet.out';

const AMQP_BINDING_VERSION = '0.3.0';

/** `appeal.status-changed` -> `appealStatusChanged`: AsyncAPI component keys allow no dots. */
function messageKey(type: EventType): string {
  return type.replace(/[.-]([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function messageRefs(channel: string, types: readonly EventType[]) {
  return types.map((t) => ({ $ref: `#/channels/${channel}/messages/${messageKey(t)}` }));
}

function channelMessages(types: readonly EventType[]) {
  return Object.fromEntries(types.map((t) => [messageKey(t), { $ref: `#/components/messages/${messageKey(t)}` }]));
}

function exchangeBinding(name: string) {
  return {
    amqp: {
      is: 'routingKey',
      exchange: { name, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
      bindingVersion: AMQP_BINDING_VERSION,
    },
  };
}

const DESCRIPTION = `Contract ${CONTRACT_VERSION} between citizen-cabinet portals, back-office connectors and cabinet-hub.

This document takes the point of view of a system connected to the hub: \`send\` operations are
what it publishes to the hub, \`receive\` what the hub delivers to it.

Every message is a CloudEvents 1.0 event in structured JSON mode (\`${CLOUDEVENTS_CONTENT_TYPE}\`):
the whole event, attributes and \`data\`, is the message body. \`tenant\` (required), \`correlationid\`
and \`causationid\` are extension attributes. \`data\` is validated strictly: unknown properties are
rejected. Files over ${MAX_INLINE_FILE_BYTES} bytes travel by \`url\`, not inline.

**AMQP.** Publish to the durable topic exchange \`${INBOUND_EXCHANGE}\` with the event type as routing
key, \`content_type: ${CLOUDEVENTS_CONTENT_TYPE}\` and \`delivery_mode: 2\` (persistent), on a channel
in confirm mode; treat a message as delivered only once the broker confirms it, and resend with the
same \`id\` otherwise (the hub de-duplicates on \`source\` + \`id\`). The hub publishes to the durable
topic exchange \`${OUTBOUND_EXCHANGE}\` with routing key \`<tenant>.<type>\` and sets \`message_id\` to the
event \`id\`, \`content_type\` to \`${CLOUDEVENTS_CONTENT_TYPE}\` and \`delivery_mode: 2\`; every event it
emits carries \`dataschema\`. A portal binds its own durable queue to \`${OUTBOUND_EXCHANGE}\` with
\`<tenant>.#\`. Virtual host \`/\`.

**HTTP.** The same events are accepted by \`POST /v1/events\` (CloudEvents HTTP binding,
structured mode, \`Content-Type: ${CLOUDEVENTS_CONTENT_TYPE}\`). The hub answers \`202 Accepted\` with
\`{"id": "<event id>"}\`, or \`400 Bad Request\` with
\`{"errors": [{"pointer": "/data/text", "reason": "must not be empty"}]}\`: \`pointer\` is an RFC 6901
JSON pointer into the event, \`reason\` says what to fix and never repeats the submitted value.

**Rejections.** An event that fails validation is not processed. Whichever way it came, the hub
publishes \`message.rejected\` to \`${OUTBOUND_EXCHANGE}\` for the producer's tenant, with the same list
of errors and \`causationid\` = the rejected event's \`id\` when it was readable.

**application.document-added** travels both ways: the applicant adds documents in the portal
(sent to \`${INBOUND_EXCHANGE}\`, without \`system\`/\`externalId\`), and the back office adds technical
conditions, contracts and acts (delivered on \`${OUTBOUND_EXCHANGE}\`, with \`system\` and \`externalId\`).

JSON Schemas of every event: \`schemas/<type>.${CONTRACT_VERSION}.json\`, \`$id\` = \`dataschema\`.`;

/** The AsyncAPI 3.0.0 document as plain data, ready for YAML serialisation. */
export function buildAsyncApi(): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'cabinet-hub contracts',
      version: CONTRACT_VERSION,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: {
      broker: {
        host: '{host}',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'RabbitMQ broker of the hub deployment, virtual host `/`.',
        variables: {
          host: { default: 'localhost:5672', description: 'Host and port of the broker.' },
        },
      },
    },
    channels: {
      cabinetIn: {
        address: '{eventType}',
        title: INBOUND_EXCHANGE,
        description: `Durable topic exchange \`${INBOUND_EXCHANGE}\`; routing key = event type. Portals and back-office connectors publish here; the hub consumes.`,
        parameters: {
          eventType: { enum: [...INBOUND_EVENT_TYPES], description: 'The CloudEvents `type` of the message.' },
        },
        messages: channelMessages(INBOUND_EVENT_TYPES),
        bindings: exchangeBinding(INBOUND_EXCHANGE),
      },
      cabinetOut: {
        address: '{tenant}.{eventType}',
        title: OUTBOUND_EXCHANGE,
        description: `Durable topic exchange \`${OUTBOUND_EXCHANGE}\`; routing key = \`<tenant>.<type>\`. The hub publishes; each portal binds its queue with \`<tenant>.#\`.`,
        parameters: {
          tenant: { description: 'The `tenant` attribute of the event.', examples: ['kyiv', 'novgorod-energo'] },
          eventType: { enum: [...OUTBOUND_EVENT_TYPES], description: 'The CloudEvents `type` of the message.' },
        },
        messages: channelMessages(OUTBOUND_EVENT_TYPES),
        bindings: exchangeBinding(OUTBOUND_EXCHANGE),
      },
    },
    operations: {
      submitCases: {
        action: 'send',
        channel: { $ref: '#/channels/cabinetIn' },
        title: 'Portal submits appeals, applications and documents',
        description: 'What a citizen portal publishes: new appeals and applications, and documents the applicant adds later.',
        messages: messageRefs('cabinetIn', PORTAL_EVENT_TYPES),
        bindings: { amqp: { deliveryMode: 2, mandatory: true, bindingVersion: AMQP_BINDING_VERSION } },
      },
      reportCaseProgress: {
        action: 'send',
        channel: { $ref: '#/channels/cabinetIn' },
        title: 'Back-office connector reports progress',
        description:
          'For back-office systems that push instead of being polled by a hub adapter: registration, status changes, answers and documents. The hub relays them to the portal on `cabinet.out`.',
        messages: messageRefs('cabinetIn', BACK_OFFICE_EVENT_TYPES),
        bindings: { amqp: { deliveryMode: 2, mandatory: true, bindingVersion: AMQP_BINDING_VERSION } },
      },
      receiveCaseUpdates: {
        action: 'receive',
        channel: { $ref: '#/channels/cabinetOut' },
        title: 'Portal receives case updates and rejections',
        description: 'What the hub delivers to a portal queue bound with `<tenant>.#`. Acknowledge after processing.',
        messages: messageRefs('cabinetOut', OUTBOUND_EVENT_TYPES),
        bindings: { amqp: { ack: true, bindingVersion: AMQP_BINDING_VERSION } },
      },
    },
    components: {
      messages: Object.fromEntries(
        EVENT_TYPES.map((type) => [
          messageKey(type),
          {
            name: type,
            title: type,
            summary: EVENT_CATALOG[type].summary,
            contentType: CLOUDEVENTS_CONTENT_TYPE,
            correlationId: {
              description: 'Shared by all events of one case conversation.',
              location: '$message.payload#/correlationid',
            },
            payload: {
              schemaFormat: 'application/schema+json;version=draft-07',
              schema: { $ref: `./schemas/${schemaFileName(type)}` },
            },
            examples: [{ name: `${messageKey(type)}Example`, payload: exampleEvent(type) }],
          },
        ]),
      ),
    },
  };
}
