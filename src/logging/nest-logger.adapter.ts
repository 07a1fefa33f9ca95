import { LoggerService } from '@nestjs/common';
import { Logger } from 'pino';
import { maskPii } from './pii.mask';

/** Routes NestJS's own log lines through pino so the whole process writes one JSON format. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, maskPii(String(message)));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace: trace ? maskPii(trace) : undefined }, maskPii(String(message)));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, maskPii(String(message)));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, maskPii(String(message)));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, maskPii(String(message)));
  }
}
