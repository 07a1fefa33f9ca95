/**
 * Writes the generated contract files next to the sources:
 * `npx ts-node --transpile-only contracts/scripts/generate.ts` (or `npm run contracts:generate`).
 * With `--check` it writes nothing and exits with 1 when a file is missing, stale or orphaned.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { SCHEMAS_DIR, renderArtifacts } from './artifacts.renderer';

/** Absolute path of the `contracts/` folder. */
const CONTRACTS_DIR = resolve(__dirname, '..');

/**
 * Compares the files on disk with what the sources render.
 * @param contractsDir the `contracts/` folder
 * @returns paths (relative to `contracts/`) that differ, are missing, or are generated leftovers
 */
export function staleArtifacts(contractsDir: string = CONTRACTS_DIR): { stale: string[]; orphaned: string[] } {
  const expected = renderArtifacts();
  const stale = Object.entries(expected)
    .filter(([path, text]) => {
      const file = join(contractsDir, path);
      return !existsSync(file) || readFileSync(file, 'utf8') !== text;
    })
    .map(([path]) => path);
  const schemasDir = join(contractsDir, SCHEMAS_DIR);
  const orphaned = existsSync(schemasDir)
    ? readdirSync(schemasDir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => `${SCHEMAS_DIR}/${name}`)
        .filter((path) => !(path in expected))
    : [];
  return { stale, orphaned };
}

function main(argv: readonly string[]): number {
  if (argv.includes('--check')) {
    const { stale, orphaned } = staleArtifacts();
    for (const path of [...stale, ...orphaned]) console.error(`out of date: contracts/${path}`);
    if (stale.length + orphaned.length > 0) {
      console.error('run npm run contracts:generate');
      return 1;
    }
    return 0;
  }
  const { orphaned } = staleArtifacts();
  for (const [path, text] of Object.entries(renderArtifacts())) {
    const file = join(CONTRACTS_DIR, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${relative(process.cwd(), file)}`);
  }
  // A renamed or removed event type must not leave its old schema behind.
  for (const path of orphaned) {
    unlinkSync(join(CONTRACTS_DIR, path));
    console.log(`removed ${relative(process.cwd(), join(CONTRACTS_DIR, path))}`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
