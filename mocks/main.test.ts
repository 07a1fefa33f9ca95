import { spawn } from 'node:child_process';
import path from 'node:path';
import { startAllMocks } from './main';
import { basic, call, envelope } from './1c-docflow/dm-soap.fixture';

describe('mocks/main.ts', () => {
  it('starts the 1C mock from the environment (users from MOCK_1C_USERS)', async () => {
    const mocks = await startAllMocks({ MOCK_1C_PORT: '0', MOCK_TWILIO_PORT: '0', MOCK_TURBOSMS_PORT: '0', MOCK_TELEGRAM_PORT: '0', MOCK_VIBER_PORT: '0', MOCK_SMTP_PORT: '0', MOCK_SMTP_ADMIN_PORT: '0', MOCK_1C_USERS: '[{"login":"Оператор","password":"s3cret"}]' });
    try {
      expect(mocks.map((m) => m.name)).toEqual(['1С:Документооборот DMService', 'Twilio Messages API', 'TurboSMS API', 'Telegram Bot API', 'Viber REST Bot API', 'SMTP server']);
      expect(mocks[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/DocMng\/ws\/DMService$/);
      expect((await call(mocks[0].url, envelope('DMGetVersionRequest'), { auth: basic('Оператор', 's3cret') })).status).toBe(200);
      expect((await call(mocks[0].url, envelope('DMGetVersionRequest'))).status).toBe(401);
      expect((await fetch(`${mocks[0].adminUrl}/scenario`)).status).toBe(200);
    } finally {
      await Promise.all(mocks.map((m) => m.close()));
    }
  });

  it('reports invalid settings', async () => {
    await expect(startAllMocks({ MOCK_1C_PORT: 'eighty' })).rejects.toThrow(/MOCK_1C_PORT/);
    await expect(startAllMocks({ MOCK_1C_PORT: '0', MOCK_1C_USERS: '{' })).rejects.toThrow(/MOCK_1C_USERS/);
    await expect(startAllMocks({ MOCK_1C_PORT: '0', MOCK_1C_USERS: '[{"login":1}]' })).rejects.toThrow(/MOCK_1C_USERS/);
  });

  it('runs standalone, prints the URLs and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'main.ts')], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, MOCK_1C_PORT: '0', MOCK_TWILIO_PORT: '0', MOCK_TURBOSMS_PORT: '0', MOCK_TELEGRAM_PORT: '0', MOCK_VIBER_PORT: '0', MOCK_SMTP_PORT: '0', MOCK_SMTP_ADMIN_PORT: '0', MOCK_HOST: '127.0.0.1', TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/DocMng\/ws\/DMService)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    expect((await call(url, envelope('DMGetVersionRequest'))).ret.versionNumber).toBe('3.0.14.5.CORP');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM, stopping');
  }, 30_000);
});
