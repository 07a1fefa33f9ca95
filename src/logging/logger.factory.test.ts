import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { CENSOR, compileRedactor, createLogger, REDACTED_PATHS } from './logger.factory';

/** The buffered standard output, seen from outside the process as an operator sees it. */
describe('createLogger (standard output)', () => {
  const factory = resolve(__dirname, '../../dist/src/logging/logger.factory.js');
  const run = (code: string) =>
    execFileSync(process.execPath, ['-e', `const { createLogger } = require(${JSON.stringify(factory)}); const log = createLogger('info', 'test'); ${code}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });

  it('writes buffered lines when the process exits', () => {
    const lines = run(`log.info('one'); log.info('two'); process.exit(0);`).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['one', 'two']);
  });

  it('writes buffered lines when the process dies of an uncaught error', () => {
    let stdout = '';
    try {
      run(`log.info('before the crash'); throw new Error('boom');`);
    } catch (e) {
      stdout = String((e as { stdout: string }).stdout);
    }
    expect(stdout).toContain('before the crash');
  });

  it('writes a lone line within a fraction of a second while the process keeps running', async () => {
    const child = spawn(process.execPath, ['-e', `const { createLogger } = require(${JSON.stringify(factory)}); createLogger('info', 'test').info('alone'); setTimeout(() => {}, 5000);`]);
    try {
      const started = Date.now();
      const line = await new Promise<string>((res) => child.stdout.once('data', (d: Buffer) => res(d.toString())));
      expect(JSON.parse(line).msg).toBe('alone');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('log redaction', () => {
  const lines = (write: (log: ReturnType<typeof createLogger>) => void) => {
    const out: string[] = [];
    const log = createLogger('info', 'test', { write: (s: string) => out.push(s) });
    write(log);
    return out.map((l) => JSON.parse(l) as Record<string, any>);
  };

  it('censors every configured path form: a key, a key under a named parent, a key under any top-level object', () => {
    const [line] = lines((log) =>
      log.info(
        {
          event: 'x',
          data: { text: 'Скарга' },
          password: 'p',
          headers: { authorization: 'Bearer s', accept: '*/*' },
          event2: { data: 1 },
          citizen: { phone: '+380501234567', email: 'a@b.ua', name: 'Іван', id: 'c-1' },
        },
        'm',
      ),
    );
    expect(line).toMatchObject({
      event: 'x',
      data: CENSOR,
      password: CENSOR,
      headers: { authorization: CENSOR, accept: '*/*' },
      event2: { data: 1 },
      citizen: { phone: CENSOR, email: CENSOR, name: CENSOR, id: 'c-1' },
      msg: 'm',
    });
    expect(JSON.stringify(line)).not.toMatch(/Скарга|380501234567|a@b\.ua|Іван|Bearer/);
  });

  it('censors event.data but not data under other parents beyond the configured forms', () => {
    const [line] = lines((log) => log.info({ event: { data: { phone: '+380' }, type: 'appeal.submitted' }, other: { data: 'kept' } }));
    expect(line.event).toEqual({ data: CENSOR, type: 'appeal.submitted' });
    expect(line.other).toEqual({ data: 'kept' });
  });

  it("never changes the caller's object, and copies only what it censors", () => {
    const citizen = { phone: '+380501234567' };
    const ids = { journalId: 'j' };
    const obj = { citizen, ids, messages: ['a', 'b'] };
    const [line] = lines((log) => log.info(obj));
    expect(obj.citizen.phone).toBe('+380501234567');
    expect(line).toMatchObject({ citizen: { phone: CENSOR }, ids: { journalId: 'j' }, messages: ['a', 'b'] });
    const redact = compileRedactor(REDACTED_PATHS);
    expect(redact({ event: 'ingress.accepted', count: 2, messages: ['a', 'b'] })).toEqual({ event: 'ingress.accepted', count: 2, messages: ['a', 'b'] });
    const clean = { event: 'e', ids };
    expect(redact(clean)).toBe(clean);
  });

  it('censors child bindings too', () => {
    const [line] = lines((log) => log.child({ token: 't', citizen: { email: 'a@b.ua' }, tenant: 'demo' }).info('child'));
    expect(line).toMatchObject({ token: CENSOR, citizen: { email: CENSOR }, tenant: 'demo', instance: 'test' });
    const [nested] = lines((log) => log.child({ tenant: 'demo' }).child({ secret: 's' }).info('grandchild'));
    expect(nested).toMatchObject({ tenant: 'demo', secret: CENSOR, msg: 'grandchild' });
  });

  it('refuses a path form it would not apply (a deeper path or a wildcard in the middle)', () => {
    expect(() => compileRedactor(['a.b.c'])).toThrow(/only key, parent.key and \*.key/);
    expect(() => compileRedactor(['a.*'])).toThrow(/only key/);
  });
});
