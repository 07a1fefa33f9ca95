/**
 * The shared mock kit: an HTTP server with request recording, fault injection and the
 * `/__admin` API, reused by every mock in `mocks/`. See `mocks/README.md`.
 */
export { MockAdminError } from './admin.error';
export { AdminRouter, parseAdminJson } from './admin.router';
export type { AdminContext, AdminMethod, AdminResult, AdminRoute } from './admin.router';
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
export type {
  ErrorResponder,
  MockAdminApi,
  MockHandler,
  MockRequest,
  MockResponse,
  MockServer,
  MockServerOptions,
  RunningMockServer,
  StartOptions,
} from './mock-server.factory';
export { RequestRecorder } from './request.recorder';
export type { RecordedRequest, RequestRecorderOptions } from './request.recorder';
