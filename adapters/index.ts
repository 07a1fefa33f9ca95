import type { AdapterDefinition } from '../contracts';
import { docflowAdapter } from './edms-1c-docflow';

/**
 * The only place adapters are registered. An adapter folder `adapters/<channel>-<vendor>/`
 * that is not listed here, has no mock under `mocks/` or no `contract.test.ts` fails
 * `test/kit/adapter-registry.test.ts`.
 */
export const ADAPTERS: readonly AdapterDefinition[] = [docflowAdapter as AdapterDefinition];
