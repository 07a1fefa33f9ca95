/**
 * Public contracts of cabinet-hub: the CloudEvents envelope, the event types and their `data`
 * schemas (TypeBox, the single source of truth), the runtime validator and examples.
 * Depends on nothing else in the repository.
 */
export {
  CONTRACT_VERSION,
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_SPEC_VERSION,
  DATA_CONTENT_TYPE,
  DATASCHEMA_PREFIX,
  EVENT_TYPES,
  dataschemaFor,
  isEventType,
  type EventType,
} from './model/event-type.constants';
export { EXTENSION_NAME_PATTERN, EXTENSION_VALUE_TYPES, GenericEnvelope, TENANT_PATTERN, envelopeSchema, type CloudEvent, type EnvelopeParts } from './model/envelope.schema';
export {
  BACK_OFFICE_EVENT_TYPES,
  EVENT_CATALOG,
  INBOUND_EVENT_TYPES,
  OUTBOUND_EVENT_TYPES,
  PORTAL_EVENT_TYPES,
  type CloudEventOf,
  type EventCatalogEntry,
  type EventDataMap,
  type EventProducer,
  type KnownCloudEvent,
} from './model/event-catalog.registry';
export { CASE_REF_MAX_LENGTH, GeoPoint, PATTERN_HINT_KEYWORD } from './model/primitives.schema';
export { FileRef, MAX_FILES_PER_EVENT, MAX_INLINE_FILE_BASE64_LENGTH, MAX_INLINE_FILE_BYTES, MAX_SIGNATURES_PER_FILE, SIGNATURE_FORMATS, SignatureFileRef, SignerInfo } from './model/file.schema';
export {
  ADDRESSEE_KINDS,
  APPLICANT_TYPES,
  ASSURANCE_LEVELS,
  AUTHOR_KINDS,
  Addressee,
  Applicant,
  Author,
  ConnectionApplicant,
  Contacts,
  ContactsWithPhone,
  EMPLOYEE_ROLES,
  IDENTITY_PROVIDERS,
  LOCALES,
  PartyName,
  REGISTRATION_CODE_SCHEMES,
  RegistrationCode,
  VerifiedIdentity,
  type ApplicantType,
} from './model/party.schema';
export {
  APPEAL_CHANNELS,
  APPEAL_KINDS,
  APPEAL_STATUSES,
  AppealAnswered,
  AppealRegistered,
  AppealStatusChanged,
  AppealSubmitted,
  Location,
  MAX_APPEAL_TEXT_LENGTH,
  Topic,
  type AppealChannel,
  type AppealKind,
  type AppealStatus,
} from './model/appeal.schema';
export {
  APPLICATION_DOCUMENT_KINDS,
  APPLICATION_STATUSES,
  APPLICATION_TYPES,
  ApplicationDocumentAdded,
  ApplicationRegistered,
  ApplicationStatusChanged,
  ApplicationSubmitted,
  SUPPLY_TYPES,
  type ApplicationDocumentKind,
  type ApplicationStatus,
  type ApplicationType,
  type SupplyType,
} from './model/application.schema';
export {
  AppealDeadlineChanged,
  AppealRepeatLinked,
  CaseDeadlineView,
  DEADLINE_ACTIONS,
  DEADLINE_MILESTONES,
  DEADLINE_CASE_KINDS,
  DEADLINE_THRESHOLDS,
  DeadlineExtended,
  DeadlineNotTaken,
  DeadlineOverdue,
  DeadlineWarning,
  REPEAT_MATCHES,
  TERM_UNITS,
} from './model/deadline.schema';
export { ContractErrorSchema, INGRESS_TRANSPORTS, MAX_CONTRACT_ERRORS, MAX_POINTER_LENGTH, MessageRejected, type IngressTransport } from './model/rejection.schema';
export {
  ContactLinkRequested,
  ContactLinked,
  DELIVERY_STATUSES,
  DeliveryFailure,
  LINKABLE_CHANNELS,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_OUTCOMES,
  NOTIFICATION_PRIORITIES,
  NotificationDispatch,
  NotificationRecipient,
  NotificationRequested,
  NotificationStatusChanged,
  type DeliveryStatus,
  type NotificationChannel,
} from './model/notification.schema';
export {
  CASE_KINDS,
  CASE_STATUSES,
  CaseHistory,
  CaseLastChange,
  CaseMilestones,
  CaseRegistration,
  CaseView,
  DEFAULT_HISTORY_PAGE,
  FINAL_CASE_STATUSES,
  HISTORY_STEPS,
  HISTORY_STEP_TYPES,
  HistoryFile,
  HistorySignature,
  HistoryStep,
  MAX_HISTORY_PAGE,
  STEP_ORIGINS,
  StatusMilestone,
  StepRejection,
  type CaseKind,
} from './model/case-view.schema';
export { AdapterHealth, ErrorResponse, EventAccepted, HealthResponse, HttpError } from './model/http.schema';
export { exampleCaseDeadline, exampleCaseHistory, exampleCaseView } from './examples/case-view.examples';
export { OPENAPI_FILE, buildOpenApi } from './scripts/openapi.builder';
export { escapePointerToken, type ContractError } from './validation/ajv-error.mapper';
export { acceptedDataschemasFor, capContractErrors, createAjv, validateEvent, type ValidationResult } from './validation/event.validator';
export { exampleEvent } from './examples/event.examples';
export { type FailureClass, PermanentError, TransientError, failureClassOf } from './errors/adapter.errors';
export {
  SECRET_KEYWORD,
  defineAdapter,
  type Adapter,
  type AdapterContext,
  type AdapterDefinition,
  type AdapterFiles,
  type AdapterResults,
  type FileDigest,
  type KeptFile,
  type KeptFileMeta,
  type AdapterLogger,
  type Capability,
  type DeliveryReport,
  type HandleOutcome,
  type InboundMessage,
  type WebhookOutcome,
  type WebhookRequest,
  type PollOutcome,
  type ProbeResult,
  type ResultEvent,
} from './adapter/adapter.contract';
