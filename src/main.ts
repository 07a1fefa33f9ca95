import 'reflect-metadata';
import { startHub } from './app/hub.bootstrap';
import { ConfigError } from './config/config.errors';
import { loadEnvConfig } from './config/env.config';

/** Entry point: `node dist/src/main.js` (what `npm start` and the Docker image run). */
async function main(): Promise<void> {
  const hub = await startHub({ env: loadEnvConfig() });
  const stop = () => {
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Nest's shutdown hooks would also listen; handling the signals here keeps one, ordered, exit path.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : `cabinet-hub failed to start: ${e instanceof Error ? e.message : String(e)}`}\n`);
  process.exit(1);
});
