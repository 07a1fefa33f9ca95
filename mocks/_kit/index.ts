/**
 * The shared mock kit, reused by every mock in `mocks/` (see `mocks/README.md`): an HTTP server
 * with request recording, fault injection and the `/__admin` API; callback delivery (signing
 * hook, retries with backoff) and a record of what was sent; rate limiting; waiting helpers;
 * options and environment readers; a hook receiver for tests.
 */
export { MockAdminError } from './admin.error';
export { AdminRouter, faultListRoutes, intQuery, parseAdminJson } from './admin.router';
export type { AdminContext, AdminMethod, AdminResult, AdminRoute, FaultListApi } from './admin.router';
export { FAULT_KINDS, FaultInjector, parseFaultSpecs } from './fault.injector';
export type {
  ActiveFault,
  FaultCommon,
  FaultDecision,
  FaultKind,
  FaultMatch,
  FaultSpec,
  FaultTarget,
  HttpErrorFault,
  LatencyFault,
  MalformedFault,
  RateLimitFault,
  ResetFault,
  TimeoutFault,
} from './fault.injector';
export { createMockServer } from './mock-server.factory';
export type { ErrorResponder, MockAdminApi, MockHandler, MockRequest, MockResponse, MockServer, MockServerOptions, RunningMockServer, StartOptions } from './mock-server.factory';
export { RequestRecorder } from './request.recorder';
export type { RecordedRequest, RequestRecorderOptions } from './request.recorder';
export { backoff, CallbackClient, isSuccess } from './callback.client';
export type { CallbackClientOptions, CallbackJob, CallbackOutcome, CallbackReply } from './callback.client';
export { startHookReceiver } from './hook-receiver.fixture';
export type { HookAnswer, HookReceiver, ReceivedHook } from './hook-receiver.fixture';
export { EnvReader, isIntIn, isPlainObject, OptionsReader } from './options.reader';
export { FixedWindowLimiter } from './rate.limiter';
export { SentLog } from './sent-log.repository';
export type { SentLogOptions } from './sent-log.repository';
export { DEFAULT_WAIT_MS, sleepUnlessAborted, Waiters } from './waiter.helper';
