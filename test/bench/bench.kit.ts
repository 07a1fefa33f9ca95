import { readdirSync, readFileSync } from 'node:fs';
import amqplib, { ChannelModel, ConfirmChannel, Channel } from 'amqplib';
import { databaseUrl } from '../helpers/infra.helper';

/** Throughput and latency figures of one system under test. */
export interface Figures {
  name: string;
  messages: number;
  seconds: number;
  throughput: number;
  /** Latency at fixed offered rates, one entry per fraction of the measured throughput. */
  latency: { fraction: number; rate: number; count: number; p50: number; p95: number; p99: number; max: number }[];
  rssMb?: { peak: number; end: number };
}

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Connection + confirm channel for publishing and a plain channel for consuming. */
export async function open(url: string): Promise<{ conn: ChannelModel; pub: ConfirmChannel; sub: Channel }> {
  const conn = await amqplib.connect(url, { noDelay: true });
  return { conn, pub: await conn.createConfirmChannel(), sub: await conn.createChannel() };
}

/** Publishes `n` messages as fast as the broker confirms them (pipelined, drain-aware). */
export async function publishFlood(ch: ConfirmChannel, exchange: string, routingKey: string, n: number, body: (i: number) => Buffer, contentType: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const ok = ch.publish(exchange, routingKey, body(i), { persistent: true, contentType, messageId: `m-${i}` });
    if (!ok) await new Promise((r) => ch.once('drain', r));
    if (i % 5000 === 4999) await ch.waitForConfirms();
  }
  await ch.waitForConfirms();
}

/**
 * Publishes at a fixed rate for `seconds`, stamping each message with its send time
 * (hrtime, this process), so the receiving side of the same process can measure latency.
 */
export async function publishPaced(
  ch: ConfirmChannel,
  exchange: string,
  routingKey: string,
  rate: number,
  seconds: number,
  body: (i: number, sentAt: string) => Buffer,
  contentType: string,
): Promise<number> {
  const total = Math.max(1, Math.round(rate * seconds));
  const start = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    const due = start + BigInt(Math.round((i / rate) * 1e9));
    const now = process.hrtime.bigint();
    if (due > now) await new Promise((r) => setTimeout(r, Number(due - now) / 1e6));
    ch.publish(exchange, routingKey, body(i, process.hrtime.bigint().toString()), { persistent: true, contentType, messageId: `lat-${i}` });
  }
  await ch.waitForConfirms();
  return total;
}

/**
 * Consumes a queue, calling back per message with its latency in ms when it carries a send
 * stamp. The stamp travels in the body (a CloudEvents extension attribute `benchsent`) because
 * the hub forwards the event bytes, not the publisher's AMQP headers.
 */
export async function collect(ch: Channel, queue: string, onMessage: (latencyMs: number | undefined) => void): Promise<string> {
  await ch.prefetch(1000);
  const { consumerTag } = await ch.consume(queue, (m) => {
    if (!m) return;
    const sent = /"benchsent":"(\d+)"/.exec(m.content.toString('latin1'))?.[1];
    onMessage(sent && sent !== '0' ? Number(process.hrtime.bigint() - BigInt(sent)) / 1e6 : undefined);
    ch.ack(m);
  });
  return consumerTag;
}

/** Resolves when `count()` reaches `target`. */
export async function waitFor(count: () => number, target: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > until) throw new Error(`timed out: ${count()} of ${target}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Peak and current resident memory of a process, from /proc (Linux). */
export function rssOf(pid: number): { peak: number; end: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { peak: kb('VmHWM') / 1024, end: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Waits until a local RabbitMQ has finished its background work (quorum-queue WAL and segment
 * writes after a flood keep it busy for seconds), so one phase's leftovers don't slow the next.
 * Reads /proc for beam.smp; with a remote broker it just pauses for a few seconds.
 */
export async function brokerSettled(maxMs = 60_000): Promise<void> {
  const beamTicks = (): number | undefined => {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        if (stat.includes('(beam.smp)')) {
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return Number(f[11]) + Number(f[12]);
        }
      } catch {
        /* process went away */
      }
    }
    return undefined;
  };
  const until = Date.now() + maxMs;
  let before = beamTicks();
  if (before === undefined) return void (await new Promise((r) => setTimeout(r, 5000)));
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = beamTicks();
    if (now === undefined) return;
    // clock ticks are 1/100 s: under 15 ticks per second is under 15 % of one core
    if (now - before < 15) return;
    before = now;
  }
}

/** The environment a bench phase starts the hub with, as users run it: its broker, database schema, configuration and port. */
export function hubEnv(o: { url: string; schema: string; configFile: string; port: number; logLevel?: 'info' | 'warn'; extra?: Record<string, string> }): Record<string, string> {
  return {
    RABBITMQ_URL: o.url,
    DATABASE_URL: databaseUrl(),
    DATABASE_SCHEMA: o.schema,
    CABINET_HUB_CONFIG: o.configFile,
    HTTP_PORT: String(o.port),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: o.logLevel ?? 'warn',
    ...o.extra,
  };
}
