/** Injection tokens for values that are not classes. */
export const ENV_CONFIG = Symbol('ENV_CONFIG');
export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** The installed adapter definitions (adapters/index.ts; tests pass their own). */
export const ADAPTER_DEFINITIONS = Symbol('ADAPTER_DEFINITIONS');
/** The hub's file store (src/files/file-store.port.ts): PostgreSQL or S3, by `hub.files.store`. */
export const FILE_STORE = Symbol('FILE_STORE');
/** The hub's `AdapterFiles` (contracts) for the adapter host to put into each adapter's context as `ctx.files`. */
export const ADAPTER_FILES = Symbol('ADAPTER_FILES');

/** The hub's clock (`{ now(): Date }`): the real one in production, a simulated one in deadline tests. */
export const CLOCK = Symbol('CLOCK');

/** What the hub asks of a clock. */
export interface Clock {
  now(): Date;
}
