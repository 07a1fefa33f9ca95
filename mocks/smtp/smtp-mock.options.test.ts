import net from 'node:net';
import { MockAdminError } from '../_kit';
import { startSmtpMock } from './index';
import { resolveSmtpMockOptions, SMTP_MOCK_DEFAULTS, type SmtpMockOptions } from './smtp-mock.options';
import { rawSession } from './smtp-test.fixture';

const problemsOf = (options: unknown): string[] => {
  try {
    resolveSmtpMockOptions(options as SmtpMockOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(MockAdminError);
    return ((err as MockAdminError).details as { problems: string[] }).problems;
  }
  throw new Error('expected invalid options');
};

describe('SMTP mock: options', () => {
  it('applies the defaults', () => {
    const o = resolveSmtpMockOptions();
    expect(o).toMatchObject({ ...SMTP_MOCK_DEFAULTS, users: [{ user: 'hub', pass: 'smtp-demo-secret' }] });
    expect(o.sizeLimit).toBe(10 * 1024 * 1024);
    expect(resolveSmtpMockOptions({ port: undefined, authOptional: true })).toMatchObject({ port: 0, authOptional: true });
  });

  it('lists every invalid option', () => {
    expect(
      problemsOf({
        port: 70000,
        adminPort: -1,
        sizeLimit: 1.5,
        authOptional: 'yes',
        secure: 1,
        banner: 'Привіт',
        hostname: 'bad host',
        users: [
          { user: '', pass: 1 },
          { user: 'a', pass: 'b', role: 'x' },
          { user: 'a', pass: 'c' },
        ],
        colour: 'red',
      }),
    ).toEqual([
      expect.stringContaining('colour is not an option'),
      expect.stringContaining('port must be'),
      expect.stringContaining('adminPort must be'),
      expect.stringContaining('sizeLimit must be'),
      expect.stringContaining('authOptional must be a boolean'),
      expect.stringContaining('secure must be a boolean'),
      expect.stringContaining('banner'),
      expect.stringContaining('hostname'),
      expect.stringContaining('users[0].user'),
      expect.stringContaining('users[0].pass'),
      expect.stringContaining('users[1] has unknown field(s) role'),
      expect.stringContaining('users[2].user a is listed twice'),
    ]);
    expect(problemsOf({ users: [] })).toEqual([expect.stringContaining('non-empty array')]);
    expect(problemsOf(null)).toEqual(['options must be an object']);
  });

  it('startSmtpMock rejects invalid options before listening', async () => {
    await expect(startSmtpMock({ sizeLimit: 0 })).rejects.toBeInstanceOf(MockAdminError);
  });

  it('uses the configured hostname, banner and users', async () => {
    const smtp = await startSmtpMock({ hostname: 'mx.cabinet.test', banner: 'ready', users: [{ user: 'Портал', pass: 'пароль' }], allowInsecureAuth: true });
    try {
      const s = await rawSession(smtp.port);
      expect(s.greeting.lines).toEqual(['220 mx.cabinet.test ESMTP ready']);
      await s.command('EHLO client.example.org');
      const token = Buffer.from('\0Портал\0пароль', 'utf8').toString('base64');
      expect((await s.command(`AUTH PLAIN ${token}`)).lines).toEqual(['235 2.7.0 Authentication successful']);
      s.close();
    } finally {
      await smtp.close();
    }
  });

  it('fails to start on a taken port, and closes the SMTP listener when the admin port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startSmtpMock({ port: taken })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await expect(startSmtpMock({ adminPort: taken })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('close() answers 421 to open sessions and returns promptly', async () => {
    const smtp = await startSmtpMock();
    const s = await rawSession(smtp.port);
    await s.command('EHLO client.example.org');
    const started = Date.now();
    await smtp.close();
    expect((await s.read()).lines).toEqual(['421 4.3.2 Service shutting down']);
    await s.closed;
    expect(Date.now() - started).toBeLessThan(1500);
    // A second close is a no-op.
    await smtp.close();
  });
});
