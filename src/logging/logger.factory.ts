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
    destination ?? pino.destination({ sync: false }),
  );
}
