import type { InvalidTransition } from './run-machine.ts';

export const DOMAIN_ERROR_CODES = [
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_INPUT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'INVALID_STATE',
  'PRECONDITION_FAILED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export interface DomainErrorDetails {
  /** The input field the error is about (forms highlight it). */
  field?: string;
  /** zod-style field errors: field → messages. */
  fieldErrors?: Record<string, string[]>;
  [key: string]: unknown;
}

/** The one error type use-cases throw. Transports map `code` once: see httpStatusOf / api's tRPC mapping. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly details: DomainErrorDetails;

  constructor(code: DomainErrorCode, message: string, details: DomainErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  static notFound(what: string, id?: string): DomainError {
    return new DomainError('NOT_FOUND', id ? `${what} ${id} not found` : `${what} not found`);
  }

  static conflict(message: string, field?: string): DomainError {
    return new DomainError('CONFLICT', message, field ? { field, fieldErrors: { [field]: [message] } } : {});
  }

  static invalidInput(message: string, field?: string): DomainError {
    return new DomainError('INVALID_INPUT', message, field ? { field, fieldErrors: { [field]: [message] } } : {});
  }

  static forbidden(message = 'You are not allowed to do this'): DomainError {
    return new DomainError('FORBIDDEN', message);
  }

  static unauthenticated(message = 'Sign in first'): DomainError {
    return new DomainError('UNAUTHENTICATED', message);
  }

  /** Too many attempts (sign-in, sign-up); `retryAfterSeconds` says when to try again. */
  static rateLimited(message: string, retryAfterSeconds: number): DomainError {
    return new DomainError('RATE_LIMITED', message, { retryAfterSeconds });
  }

  static invalidState(rejection: InvalidTransition): DomainError {
    return new DomainError('INVALID_STATE', rejection.message, {
      from: rejection.from,
      event: rejection.event,
      allowedFrom: rejection.allowedFrom,
    });
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** HTTP status for each code, for plain route handlers (SSE, webhooks, state backend). */
export const HTTP_STATUS_BY_CODE: Readonly<Record<DomainErrorCode, number>> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_INPUT: 400,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  INVALID_STATE: 409,
  PRECONDITION_FAILED: 412,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function httpStatusOf(error: unknown): number {
  return isDomainError(error) ? HTTP_STATUS_BY_CODE[error.code] : 500;
}
