/**
 * Shared building blocks of the channel adapters. Not an adapter: the registry check skips
 * folders starting with `_`. It may import only `contracts/` and npm packages.
 */
export { DEFAULT_DISPATCH_MEMORY_CAPACITY, DispatchMemory, markReplayed, untilAborted } from './dispatch.memory';
export type { DispatchMemoryOptions, OutcomeSource, Recollection } from './dispatch.memory';
export { smsShape } from './sms-shape';
export type { SmsShape } from './sms-shape';
