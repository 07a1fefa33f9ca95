import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADAPTERS } from '../../adapters';
import { adapterLayoutProblems, dependencyViolations } from './adapter-registry.check';

const ROOT = resolve(__dirname, '../..');

describe('adapter registry and dependency direction', () => {
  it('every adapter folder is registered, has a contract test and a mock', () => {
    expect(adapterLayoutProblems(ROOT, ADAPTERS)).toEqual([]);
  });

  it('contracts, adapters and mocks only import what they may', () => {
    expect(dependencyViolations(ROOT)).toEqual([]);
  });

  describe('the checks themselves catch what they should', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cabinet-hub-layout-'));
      mkdirSync(join(dir, 'adapters/edms-acme'), { recursive: true });
      mkdirSync(join(dir, 'adapters/sms-unlisted'), { recursive: true });
      writeFileSync(join(dir, 'adapters/sms-unlisted/contract.test.ts'), '');
      mkdirSync(join(dir, 'mocks/acme'), { recursive: true });
      writeFileSync(join(dir, 'mocks/acme/acme.mock.ts'), "import { mapAppeal } from '../../adapters/edms-acme/acme.mapper';\n");
      mkdirSync(join(dir, 'contracts'), { recursive: true });
      writeFileSync(join(dir, 'contracts/x.schema.ts'), "import { thing } from '../src/thing';\n");
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports a folder without contract test, an unregistered folder, a missing mock and a missing folder', () => {
      const problems = adapterLayoutProblems(dir, [
        { type: 'edms.acme', mock: 'acme' },
        { type: 'notify.ghost', mock: 'nowhere' },
      ]);
      expect(problems).toEqual(
        expect.arrayContaining([
          'adapters/edms-acme has no contract.test.ts (the adapter contract kit)',
          'adapters/sms-unlisted is not registered in adapters/index.ts',
          'registered adapter folder adapters/notify-ghost does not exist',
        ]),
      );
      expect(adapterLayoutProblems(dir, [{ type: 'edms.acme', mock: 'missing' }])).toContain('adapters/edms-acme names mock "missing", but mocks/missing does not exist');
    });

    it('reports a mock importing adapter code and contracts importing the hub', () => {
      expect(dependencyViolations(dir)).toEqual([
        'contracts/x.schema.ts imports ../src/thing (contracts must not depend on src)',
        'mocks/acme/acme.mock.ts imports ../../adapters/edms-acme/acme.mapper (mocks must not depend on adapters)',
      ]);
    });
  });
});
