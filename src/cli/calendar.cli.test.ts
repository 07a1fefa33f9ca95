import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { runCliCaptured } from '../../test/helpers/cli.helper';

/**
 * Medium tier: `cabinet-hub calendar …` against the real PostgreSQL in its own schema: a city
 * holiday declared, martial law ended, each change audited with the OS user and the reason, and
 * the calendar shown with every day's reason.
 */
describe('cabinet-hub calendar', () => {
  const schema = uniqueName('calcli');
  const dir = mkdtempSync(join(tmpdir(), 'calcli-'));
  const saved = { ...process.env };

  beforeAll(() => {
    const file = join(dir, 'hub.yaml');
    writeFileSync(file, 'tenants:\n  kyiv: { name: Kyiv, locale: uk }\n  intl: { name: Intl, locale: en }\n');
    Object.assign(process.env, { CABINET_HUB_CONFIG: file, DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: schema });
  });
  afterAll(async () => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  const run = runCliCaptured;

  it('shows the days of a month with their reasons (martial law makes Constitution Day a working day)', async () => {
    const r = await run(['calendar', 'show', 'kyiv', '--from', '2025-06-27', '--to', '2025-06-30']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^kyiv: UA calendar, zone Europe\/Kyiv, version 1$/m);
    expect(r.out).toMatch(/^2025-06-27 working /m);
    expect(r.out).toMatch(/^2025-06-28 off +weekend/m);
    expect(r.out).toMatch(/^2025-06-30 working /m);
  });

  it('declares a day off with its reason, audited; a change needs a reason', async () => {
    expect((await run(['calendar', 'day', 'kyiv', '2025-06-30', 'off'])).code).toBe(2);
    const r = await run(['calendar', 'day', 'kyiv', '2025-06-30', 'off', '--reason', 'council decision No. 12', '--note', 'day off: city day']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2025-06-30 is now off; calendar version 2/);
    const shown = await run(['calendar', 'show', 'kyiv', '--from', '2025-06-30', '--to', '2025-06-30']);
    expect(shown.out).toMatch(/^2025-06-30 off +day off: city day/m);
    expect(shown.out).toMatch(/^v2 .* cli:\S+: day — council decision No\. 12$/m);
    const audit = await sql<{ n: number }>(schema, "SELECT count(*)::int AS n FROM calendar_change WHERE reason = 'council decision No. 12'");
    expect(audit).toEqual([{ n: 1 }]);
  });

  it('ends martial law, after which holidays are days off again', async () => {
    const r = await run(['calendar', 'regime', 'kyiv', 'UA_MARTIAL_LAW', '--from', '2022-03-15', '--to', '2026-12-31', '--reason', 'martial law ended (test)']);
    expect(r.code).toBe(0);
    const shown = await run(['calendar', 'show', 'kyiv', '--from', '2027-01-01', '--to', '2027-01-01']);
    expect(shown.out).toMatch(/^2027-01-01 off /m);
  });

  it('refuses a tenant without deadlines and a bad date, with a clear message', async () => {
    expect(await run(['calendar', 'show', 'intl'])).toMatchObject({ code: 1, err: expect.stringMatching(/has no deadlines/) });
    expect(await run(['calendar', 'day', 'kyiv', '2025-02-30', 'off', '--reason', 'x'])).toMatchObject({ code: 1, err: expect.stringMatching(/not a date/) });
  });
});
