import { spawn } from 'node:child_process';
import path from 'node:path';
import { MOCK_NAMES, mockSuiteOptionsFromEnv, startAllMocks, startMockSuite } from './main';
import { basic, call, envelope } from './1c-docflow/dm-soap.fixture';

describe('mocks/main.ts', () => {
  it('starts the 1C mock from the environment (users from MOCK_1C_USERS)', async () => {
    const mocks = await startAllMocks({
      MOCK_1C_PORT: '0',
      MOCK_TWILIO_PORT: '0',
      MOCK_TURBOSMS_PORT: '0',
      MOCK_TELEGRAM_PORT: '0',
      MOCK_VIBER_PORT: '0',
      MOCK_SMTP_PORT: '0',
      MOCK_SMTP_ADMIN_PORT: '0',
      MOCK_S3_PORT: '0',
      MOCK_1C_USERS: '[{"login":"Оператор","password":"s3cret"}]',
    });
    try {
      expect(mocks.urls.docflow.url).toBe(mocks[0].url);
      expect(mocks.map((m) => m.name)).toEqual([
        '1С:Документооборот DMService',
        'Twilio Messages API',
        'TurboSMS API',
        'Telegram Bot API',
        'Viber REST Bot API',
        'SMTP server',
        'S3-compatible object store',
      ]);
      expect(mocks[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/DocMng\/ws\/DMService$/);
      expect((await call(mocks[0].url, envelope('DMGetVersionRequest'), { auth: basic('Оператор', 's3cret') })).status).toBe(200);
      expect((await call(mocks[0].url, envelope('DMGetVersionRequest'))).status).toBe(401);
      expect((await fetch(`${mocks[0].adminUrl}/scenario`)).status).toBe(200);
    } finally {
      await Promise.all(mocks.map((m) => m.close()));
    }
  });

  it('startMockSuite runs the seven mocks in process: URLs and handles by name, one stop', async () => {
    const ports = { docflow: 0, twilio: 0, turbosms: 0, telegram: 0, viber: 0, smtp: 0, smtpAdmin: 0, s3: 0 };
    const suite = await startMockSuite({ ports });
    try {
      expect(Object.keys(suite.urls)).toEqual([...MOCK_NAMES]);
      expect(suite.mocks.map((m) => m.url)).toEqual(MOCK_NAMES.map((n) => suite.urls[n].url));
      expect(suite.urls.smtp.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
      // Auto-create is on by default: a demo's first Telegram message needs no chat set up.
      const sent = await fetch(`${suite.urls.telegram.url}/bot${suite.handles.telegram.bots[0].token}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 700000123, text: 'Вітаємо' }),
      });
      expect(sent.status).toBe(200);
      expect(suite.handles.telegram.chats.messages(700000123).map((m) => m.text)).toEqual(['Вітаємо']);
      for (const n of MOCK_NAMES) expect((await fetch(suite.urls[n].adminUrl)).status).toBe(200);
    } finally {
      await suite.stop();
      await suite.stop();
    }
    await expect(fetch(suite.urls.docflow.adminUrl)).rejects.toThrow();
  });

  it('reads its options from MOCK_* variables', () => {
    expect(mockSuiteOptionsFromEnv({})).toEqual({
      host: '127.0.0.1',
      ports: { docflow: 8081, twilio: 8082, turbosms: 8083, telegram: 8084, viber: 8085, smtp: 2525, smtpAdmin: 8025, s3: 8086 },
      docflowUsers: [{ login: 'Портал Интеграция', password: 'portal-secret' }],
      autoCreate: true,
    });
    expect(mockSuiteOptionsFromEnv({ MOCK_AUTO_CREATE: 'false', MOCK_VIBER_PORT: '0' })).toMatchObject({ autoCreate: false, ports: { viber: 0 } });
  });

  it('reports invalid settings', async () => {
    await expect(startAllMocks({ MOCK_1C_PORT: 'eighty' })).rejects.toThrow(/MOCK_1C_PORT/);
    await expect(startAllMocks({ MOCK_1C_PORT: '0', MOCK_1C_USERS: '{' })).rejects.toThrow(/MOCK_1C_USERS/);
    await expect(startAllMocks({ MOCK_1C_PORT: '0', MOCK_1C_USERS: '[{"login":1}]' })).rejects.toThrow(/MOCK_1C_USERS/);
  });

  it('runs standalone, prints the URLs and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'main.ts')], {
      cwd: path.join(__dirname, '..'),
      env: {
        ...process.env,
        MOCK_1C_PORT: '0',
        MOCK_TWILIO_PORT: '0',
        MOCK_TURBOSMS_PORT: '0',
        MOCK_TELEGRAM_PORT: '0',
        MOCK_VIBER_PORT: '0',
        MOCK_SMTP_PORT: '0',
        MOCK_SMTP_ADMIN_PORT: '0',
        MOCK_S3_PORT: '0',
        MOCK_HOST: '127.0.0.1',
        TS_NODE_TRANSPILE_ONLY: 'true',
      },
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
