import { hostname } from 'node:os';
import { ConfigError } from './config.errors';
import { loadEnvConfig } from './env.config';

function envError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadEnvConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, but the environment was accepted');
}

describe('env.config', () => {
  it('uses local defaults when nothing is set', () => {
    expect(loadEnvConfig({})).toEqual({
      rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      databaseSchema: 'cabinet_hub',
      configFile: undefined,
      httpHost: '0.0.0.0',
      httpPort: 8080,
      logLevel: 'info',
      instanceId: `${hostname()}-${process.pid}`,
      databasePoolSize: 20,
    });
  });

  it('reads every setting from the environment', () => {
    expect(
      loadEnvConfig({
        RABBITMQ_URL: 'amqps://hub:pw@mq.example:5671/vh',
        DATABASE_URL: 'postgresql://hub:pw@db.example/hub',
        DATABASE_SCHEMA: 'hub_test',
        CABINET_HUB_CONFIG: '/etc/cabinet-hub/hub.yaml',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '9090',
        LOG_LEVEL: 'debug',
        HUB_INSTANCE_ID: 'hub-1',
        DATABASE_POOL_SIZE: '40',
      }),
    ).toEqual({
      rabbitmqUrl: 'amqps://hub:pw@mq.example:5671/vh',
      databaseUrl: 'postgresql://hub:pw@db.example/hub',
      databaseSchema: 'hub_test',
      configFile: '/etc/cabinet-hub/hub.yaml',
      httpHost: '127.0.0.1',
      httpPort: 9090,
      logLevel: 'debug',
      instanceId: 'hub-1',
      databasePoolSize: 40,
    });
  });

  it('reports a bad RABBITMQ_URL, HTTP_PORT and LOG_LEVEL together in one ConfigError', () => {
    const e = envError({ RABBITMQ_URL: 'http://mq.example', HTTP_PORT: 'eighty', LOG_LEVEL: 'loud' });

    expect(e.origin).toBe('environment');
    expect(e.issues.map((i) => i.path)).toEqual(['RABBITMQ_URL', 'HTTP_PORT', 'LOG_LEVEL']);
    expect(e.message).toContain('3 problem(s)');
  });

  it('reports a bad DATABASE_URL and DATABASE_SCHEMA', () => {
    const e = envError({ DATABASE_URL: 'mysql://db.example/hub', DATABASE_SCHEMA: 'Hub-Schema' });

    expect(e.issues.map((i) => i.path)).toEqual(['DATABASE_URL', 'DATABASE_SCHEMA']);
  });

  it.each(['-1', '65536', '80.5', 'NaN'])('rejects HTTP_PORT=%s', (port) => {
    expect(envError({ HTTP_PORT: port }).issues.map((i) => i.path)).toEqual(['HTTP_PORT']);
  });

  it('accepts HTTP_PORT=0 (an ephemeral port, used by tests)', () => {
    expect(loadEnvConfig({ HTTP_PORT: '0' }).httpPort).toBe(0);
  });

  it('treats an empty HTTP_PORT as unset, like every other variable', () => {
    // `HTTP_PORT=` in a compose file must not silently bind a random port.
    expect(loadEnvConfig({ HTTP_PORT: '' }).httpPort).toBe(8080);
  });

  it('never puts credentials from the URLs into the error message', () => {
    const e = envError({
      RABBITMQ_URL: 'http://hub:MqS3cret-1@mq.example',
      DATABASE_URL: 'mysql://hub:DbS3cret-2@db.example/hub',
      LOG_LEVEL: 'loud',
    });

    expect(e.issues).toHaveLength(3);
    expect(e.message).not.toContain('MqS3cret-1');
    expect(e.message).not.toContain('DbS3cret-2');
  });
});
