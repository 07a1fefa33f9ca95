/** Injection tokens for values that are not classes. */
export const ENV_CONFIG = Symbol('ENV_CONFIG');
export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const LOGGER = Symbol('LOGGER');
