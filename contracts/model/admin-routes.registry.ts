import { ADMIN_CONSOLE_ROUTES } from './admin-console.schema';
import { DEAD_LETTER_ROUTES } from './admin-dead-letters.schema';
import { ADMIN_CASES_ROUTES } from './admin-cases.schema';
import { ADMIN_OPERATIONS_ROUTES } from './admin-operations.schema';
import type { AdminRouteDoc } from './admin-route.schema';

/** Every route of the admin API and console, for the OpenAPI document and its check against the running hub. */
export const ADMIN_ROUTES: readonly AdminRouteDoc[] = [...ADMIN_CONSOLE_ROUTES, ...ADMIN_CASES_ROUTES, ...DEAD_LETTER_ROUTES, ...ADMIN_OPERATIONS_ROUTES];
