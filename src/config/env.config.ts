import { hostname } from 'node:os';
import { ConfigError, ConfigIssue } from './config.errors';

/** Process-level settings: where the broker and database are, and how this instance presents itself. */
export interface EnvConfig {
  rabbitmqUrl: string;
  databaseUrl: string;
  databaseSchema: string;
  configFile?: string;
  httpHost: string;
  httpPort: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  instanceId: string;
  /** PostgreSQL connections of this instance (default 20). */
  databasePoolSize?: number;
  /**
   * The owner role's URL for migrations (two-role setup: the runtime role of DATABASE_URL then
   * gets INSERT and SELECT only on the chained tables and cannot drop anything). Absent: DATABASE_URL does both.
   */
  databaseMigrationUrl?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the environment once; every problem is reported together. */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const issues: ConfigIssue[] = [];
  const rabbitmqUrl = env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
  const databaseUrl = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseSchema = env.DATABASE_SCHEMA || 'cabinet_hub';
  const httpPort = Number(env.HTTP_PORT || 8080);
  const logLevel = (env.LOG_LEVEL || 'info') as EnvConfig['logLevel'];
  const databasePoolSize = Number(env.DATABASE_POOL_SIZE || 20);

  if (!/^amqps?:\/\//.test(rabbitmqUrl)) issues.push({ path: 'RABBITMQ_URL', message: 'must start with amqp:// or amqps://' });
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) issues.push({ path: 'DATABASE_URL', message: 'must start with postgres:// or postgresql://' });
  const databaseMigrationUrl = env.DATABASE_MIGRATION_URL || undefined;
  if (databaseMigrationUrl && !/^postgres(ql)?:\/\//.test(databaseMigrationUrl)) issues.push({ path: 'DATABASE_MIGRATION_URL', message: 'must start with postgres:// or postgresql://' });
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) issues.push({ path: 'DATABASE_SCHEMA', message: 'must be a lower-case SQL identifier' });
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) issues.push({ path: 'HTTP_PORT', message: 'must be an integer port (0-65535)' });
  if (!Number.isInteger(databasePoolSize) || databasePoolSize < 2 || databasePoolSize > 200) issues.push({ path: 'DATABASE_POOL_SIZE', message: 'must be an integer from 2 to 200' });
  if (!LOG_LEVELS.includes(logLevel)) issues.push({ path: 'LOG_LEVEL', message: `must be one of: ${LOG_LEVELS.join(', ')}` });
  if (issues.length) throw new ConfigError(issues, 'environment');

  return {
    rabbitmqUrl,
    databaseUrl,
    databaseSchema,
    configFile: env.CABINET_HUB_CONFIG || undefined,
    httpHost: env.HTTP_HOST || '0.0.0.0',
    httpPort,
    logLevel,
    instanceId: env.HUB_INSTANCE_ID || `${hostname()}-${process.pid}`,
    databasePoolSize,
    ...(databaseMigrationUrl ? { databaseMigrationUrl } : {}),
  };
}
