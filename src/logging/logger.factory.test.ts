import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

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
