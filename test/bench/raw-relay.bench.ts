import amqplib from 'amqplib';

/**
 * The baseline the hub is measured against: a bare amqplib relay that consumes, republishes with
 * a confirm and acks after the confirm, consumer and publisher on separate channels, prefetch 200
 * (shared/baselines.md). It runs in its own process, as the hub does.
 */
async function main(): Promise<void> {
  const url = process.env.RELAY_URL as string;
  const src = process.env.RELAY_SRC as string;
  const dst = process.env.RELAY_DST as string;
  const conn = await amqplib.connect(url, { noDelay: true });
  const sub = await conn.createChannel();
  const pub = await conn.createConfirmChannel();
  await sub.prefetch(Number(process.env.RELAY_PREFETCH ?? 200));
  await sub.consume(src, (m) => {
    if (!m) return;
    pub.publish('', dst, m.content, { ...m.properties, persistent: true }, (err) => {
      if (err) sub.nack(m, false, true);
      else sub.ack(m);
    });
  });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => conn.close().finally(() => process.exit(0)));
}

main().catch((e) => {
  process.stderr.write(String(e));
  process.exit(1);
});
