import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The part of an adapter definition the registry check needs. */
export interface RegisteredAdapter {
  type: string;
  mock: string;
}

/**
 * Problems with how adapters are laid out: every folder under `adapters/` must be registered in
 * `adapters/index.ts` (folder `<channel>-<vendor>` for type `<channel>.<vendor>`), have a
 * `contract.test.ts`, and name a mock that exists under `mocks/`; every registered type must
 * have its folder.
 * @param root repository root
 * @param registered what `adapters/index.ts` exports
 */
export function adapterLayoutProblems(root: string, registered: readonly RegisteredAdapter[]): string[] {
  const problems: string[] = [];
  const adaptersDir = join(root, 'adapters');
  const folders = existsSync(adaptersDir) ? readdirSync(adaptersDir).filter((f) => statSync(join(adaptersDir, f)).isDirectory() && !f.startsWith('_')) : [];
  const byFolder = new Map(registered.map((a) => [a.type.replace(/\./g, '-'), a]));
  for (const folder of folders) {
    const def = byFolder.get(folder);
    if (!def) problems.push(`adapters/${folder} is not registered in adapters/index.ts`);
    if (!existsSync(join(adaptersDir, folder, 'contract.test.ts'))) problems.push(`adapters/${folder} has no contract.test.ts (the adapter contract kit)`);
    if (def && !existsSync(join(root, 'mocks', def.mock))) problems.push(`adapters/${folder} names mock "${def.mock}", but mocks/${def.mock} does not exist`);
  }
  for (const [folder] of byFolder) if (!folders.includes(folder)) problems.push(`registered adapter folder adapters/${folder} does not exist`);
  return problems;
}

/**
 * Imports that break the dependency direction `contracts ← adapters ← src`, `contracts ← mocks`:
 * contracts import nothing of the repository, adapters nothing of src or mocks (their contract
 * tests excepted: they bring the mock and the kit), mocks nothing of adapters or src (a mock
 * sharing the adapter's mapping would prove nothing).
 * @param root repository root
 */
export function dependencyViolations(root: string): string[] {
  const forbidden: Record<string, string[]> = { contracts: ['src', 'adapters', 'mocks', 'test'], adapters: ['src', 'mocks', 'test'], mocks: ['src', 'adapters', 'test'] };
  const out: string[] = [];
  for (const [layer, banned] of Object.entries(forbidden)) {
    for (const file of tsFiles(join(root, layer))) {
      // An adapter's contract test runs it against its mock with the kit: those imports are its job.
      const allowedHere = layer === 'adapters' && file.endsWith('.test.ts') ? ['mocks', 'test'] : [];
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import|require)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = relative(root, join(file, '..', m[1])).split(/[\\/]/)[0];
        if (banned.includes(target) && !allowedHere.includes(target)) out.push(`${relative(root, file)} imports ${m[1]} (${layer} must not depend on ${target})`);
      }
    }
  }
  return out;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}
