import { staleArtifacts } from './scripts/generate';

describe('generated contract files', () => {
  it('match the TypeBox sources', () => {
    const { stale, orphaned } = staleArtifacts();
    const problems = [...stale.map((p) => `contracts/${p} differs from the sources`), ...orphaned.map((p) => `contracts/${p} is no longer generated`)];
    if (problems.length > 0) {
      throw new Error(`${problems.join('\n')}\nrun npm run contracts:generate`);
    }
  });
});
