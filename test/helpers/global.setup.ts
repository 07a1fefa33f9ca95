import { existsSync } from 'node:fs';
import { Socket } from 'node:net';

/**
 * Tests use the real RabbitMQ and PostgreSQL named by RABBITMQ_URL / DATABASE_URL, or the local
 * services. Only when neither is given nor reachable, and a Docker engine exists, are
 * testcontainers started instead (this keeps a laptop without local services working).
 */
export default async function globalSetup(): Promise<void> {
  const needRabbit = !process.env.RABBITMQ_URL && !(await reachable(5672));
  const needPg = !process.env.DATABASE_URL && !(await reachable(5432));
  if (!needRabbit && !needPg) return;
  if (!dockerAvailable()) {
    throw new Error(
      `No ${[needRabbit && 'RabbitMQ (127.0.0.1:5672)', needPg && 'PostgreSQL (127.0.0.1:5432)'].filter(Boolean).join(' or ')} reachable and no Docker engine: ` +
        'start the services (see README, "Run the tests") or set RABBITMQ_URL / DATABASE_URL.',
    );
  }
  const started: { stop(): Promise<unknown> }[] = [];
  if (needRabbit) {
    const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
    const c = await new RabbitMQContainer('rabbitmq:3.13-management').start();
    process.env.RABBITMQ_URL = c.getAmqpUrl();
    process.env.RABBITMQ_MANAGEMENT_URL = `http://guest:guest@${c.getHost()}:${c.getMappedPort(15672)}`;
    started.push(c);
  }
  if (needPg) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const c = await new PostgreSqlContainer('postgres:15').start();
    process.env.DATABASE_URL = c.getConnectionUri();
    started.push(c);
  }
  (globalThis as { __containers?: typeof started }).__containers = started;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
    s.connect(port, '127.0.0.1');
  });
}

function dockerAvailable(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}
