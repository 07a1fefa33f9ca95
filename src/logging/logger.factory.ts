import pino, { Logger } from 'pino';

/**
 * Paths that may hold personal data or secrets if an object ever reaches the logger by mistake.
 * The hub logs ids, types and tenants only; these censor anything else.
 */
export const REDACTED_PATHS = [
  'data',
  'body',
  'payload',
  'envelope',
  'event.data',
  'applicant',
  '*.applicant',
  '*.email',
  '*.phone',
  '*.name',
  '*.text',
  '*.password',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'password',
  'token',
  'secret',
];

/** Creates the process logger: JSON lines, redaction on, instance id on every line. */
export function createLogger(level: string, instanceId: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { instance: instanceId },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? bufferedStdout(),
  );
}

/**
 * Standard output written in chunks of at least 4 KiB, flushed every 200 ms at the latest (and
 * synchronously on exit, as pino does for its destinations): under a flood the hub logs a line per
 * batch, and one write call per line cost the ingress more than building the lines.
 */
function bufferedStdout(): pino.DestinationStream {
  const out = pino.destination({ sync: false, minLength: 4096 });
  setInterval(() => {
    if (!(out as { destroyed?: boolean }).destroyed) out.flush();
  }, FLUSH_MS).unref();
  return out;
}

/** How long a log line may wait in the buffer. */
const FLUSH_MS = 200;
