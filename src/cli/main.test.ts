import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CONFIG_PATH } from '../config/hub-config.loader';
import { runCliCaptured } from '../../test/helpers/cli.helper';

const run = runCliCaptured;

const GOOD = `
tenants:
  demo: { name: Demo }
  lviv: { name: Lviv }
adapters:
  edms: { type: edms.x, enabled: false, config: { baseUrl: http://edms.example } }
routes:
  - tenants: ['*']
    types: [appeal.*]
    to: [edms]
`;

const BAD = `
tenants:
  demo: { name: Demo }
adapters:
  edms:
    type: edms.x
    config: { password: hunter2 }
routes:
  - tenants: [demo, lviv]
    types: [appeal.submitted]
    to: [edms, ghost]
`;

describe('cli/main', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cabinet-hub-cli-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('config validate <good file>: exits 0 and prints an OK line with counts', async () => {
    const path = file('good.yaml', GOOD);

    const { code, out, err } = await run(['config', 'validate', path]);

    expect(code).toBe(0);
    expect(out).toBe(`${path}: OK (2 tenant(s), 1 adapter instance(s), 1 route(s))\n`);
    expect(err).toBe('');
  });

  it('config validate <bad file>: exits 1 and lists every problem with its path on stderr', async () => {
    const path = file('bad.yaml', BAD);

    const { code, out, err } = await run(['config', 'validate', path]);

    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(path);
    // The adapter check runs in the same pass: every problem in one run.
    expect(err).toContain('4 problem(s)');
    expect(err).toContain('/adapters/edms/type: no adapter of type "edms.x" is installed');
    expect(err).toContain('/routes/0/to/1: adapter instance "ghost" is not declared');
    expect(err).toContain('/routes/0/tenants/1: tenant "lviv" is not declared');
    expect(err).toContain('/adapters/edms/config/password: secrets must not be written in the file');
    expect(err).not.toContain('hunter2');
  });

  it('config validate: an enabled instance of an adapter type that is not installed is an error', async () => {
    const path = file('uninstalled.yaml', GOOD.replace('enabled: false', 'enabled: true'));

    const { code, err } = await run(['config', 'validate', path]);

    expect(code).toBe(1);
    expect(err).toContain('/adapters/edms/type: no adapter of type "edms.x" is installed');
  });

  it('config validate <file that does not exist>: exits 1 and says the file cannot be read', async () => {
    const { code, err } = await run(['config', 'validate', join(dir, 'missing.yaml')]);

    expect(code).toBe(1);
    expect(err).toContain('cannot read file');
  });

  it('config validate without a file validates the bundled demo configuration', async () => {
    const { code, out } = await run(['config', 'validate']);

    expect(code).toBe(0);
    expect(out).toBe(`${DEMO_CONFIG_PATH}: OK (1 tenant(s), 1 adapter instance(s), 1 route(s))\n`);
  });

  it.each([[['frobnicate']], [['config', 'check']], [['validate', 'config']]])('unknown command %j: exits 2 with usage', async (args) => {
    const { code, out, err } = await run(args);

    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('Usage:');
    expect(err).toContain('cabinet-hub config validate <file>');
  });
});

describe('cabinet-hub templates preview', () => {
  it('renders every channel of a template in the asked locale, with SMS segments', async () => {
    const vars = JSON.stringify({ tenantName: 'Демо', caseRef: 'EP-1', registrationNumber: '123/01', registeredAt: '01.06.2024 10:00' });
    const r = await run(['templates', 'preview', 'appeal.registered', '--locale', 'ru', '--vars', vars]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--- sms (ru): 1 segment(s), UCS-2');
    expect(r.out).toContain('Обращение EP-1 зарегистрировано под № 123/01 от 01.06.2024 10:00. Демо');
    expect(r.out).toContain('Subject: Обращение EP-1 зарегистрировано');
  });

  it('names missing variables and unknown templates, and refuses bad --vars', async () => {
    expect(await run(['templates', 'preview', 'appeal.registered', '--vars', '{"caseRef":"EP-1"}'])).toMatchObject({ code: 1, err: expect.stringMatching(/variables missing: .*registrationNumber/) });
    expect(await run(['templates', 'preview', 'no-such-template'])).toMatchObject({ code: 1, err: expect.stringMatching(/does not exist/) });
    expect(await run(['templates', 'preview', 'appeal.registered', '--vars', '{"__proto__":{}}'])).toMatchObject({ code: 2 });
  });
});
