/** Injection tokens for values that are not classes. */
export const ENV_CONFIG = Symbol('ENV_CONFIG');
export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** The installed adapter definitions (adapters/index.ts; tests pass their own). */
export const ADAPTER_DEFINITIONS = Symbol('ADAPTER_DEFINITIONS');
