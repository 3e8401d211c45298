import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_CODES, DomainError, HTTP_STATUS_BY_CODE, httpStatusOf } from './errors.ts';
import { transition } from './run-machine.ts';

describe('DomainError', () => {
  it('maps every code to an HTTP status', () => {
    for (const code of DOMAIN_ERROR_CODES) expect(HTTP_STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
    expect(httpStatusOf(DomainError.notFound('Stack', 's1'))).toBe(404);
    expect(httpStatusOf(new Error('boom'))).toBe(500);
  });

  it('carries field errors for forms', () => {
    const error = DomainError.conflict('A stack named "web" already exists', 'name');
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ field: 'name', fieldErrors: { name: ['A stack named "web" already exists'] } });
  });

  it('wraps a rejected transition', () => {
    const rejection = transition({ type: 'TRACKED', state: 'QUEUED' }, { type: 'CONFIRM' });
    if (rejection.ok) throw new Error('expected rejection');
    const error = DomainError.invalidState(rejection);
    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toBe('Run is QUEUED; only UNCONFIRMED runs can be confirmed');
    expect(error).toBeInstanceOf(Error);
  });
});
