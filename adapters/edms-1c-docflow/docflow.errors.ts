import { PermanentError, TransientError } from '../../contracts';

/** A DMError answer (HTTP 200): 1C refused the request as data, with a Russian description. */
export class DmApplicationError extends Error {
  override readonly name = 'DmApplicationError';
  constructor(
    readonly subject: string,
    readonly description: string,
  ) {
    super(`1C: ${subject ? `${subject}: ` : ''}${description}`.slice(0, 500));
  }

  /** 1C clients classify by keywords in the Russian text; so does this adapter. */
  get isNotFound(): boolean {
    return /не найден/i.test(this.text);
  }
  get isAlreadyExists(): boolean {
    return /уже существует/i.test(this.text);
  }

  private get text(): string {
    return `${this.subject} ${this.description}`;
  }
}

/**
 * What a DMError means for the hub: authentication and signature problems and anything else
 * the application refused are permanent (they repeat for the same input); "changed"/"already
 * done" conflicts are transient (a retry after the concurrent change usually passes).
 */
export function classifyDmError(e: DmApplicationError): TransientError | PermanentError {
  const text = `${e.subject} ${e.description}`;
  if (/изменен|уже выполн|заблокирован/i.test(text)) return new TransientError(e.message);
  return new PermanentError(e.message);
}

/** A SOAP Fault: `soap:Client` faults are our request's fault (permanent), server faults are transient. */
export function classifyFault(status: number, faultcode: string, faultstring: string): TransientError | PermanentError {
  const message = `1C answered HTTP ${status} with a SOAP fault: ${faultstring}`.slice(0, 500);
  return /client/i.test(faultcode) ? new PermanentError(message) : new TransientError(message);
}
