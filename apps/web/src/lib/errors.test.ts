import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage, fieldErrorsOf } from './errors.ts';

describe('fieldErrorsOf', () => {
  it('reads the contract shape: data.fieldErrors', () => {
    const error = { message: 'A stack named "web" already exists', data: { code: 'CONFLICT', fieldErrors: { name: ['A stack named "web" already exists'] } } };
    expect(fieldErrorsOf(error)).toEqual({ name: ['A stack named "web" already exists'] });
  });

  it('reads zod-flattened errors and single-string messages', () => {
    expect(fieldErrorsOf({ data: { zodError: { fieldErrors: { branch: ['Required'] } } } })).toEqual({ branch: ['Required'] });
    expect(fieldErrorsOf({ data: { fieldErrors: { name: 'Too long', empty: [] } } })).toEqual({ name: ['Too long'] });
  });

  it('files nested paths under their top-level field too', () => {
    expect(fieldErrorsOf({ data: { fieldErrors: { 'labels.2': ['Labels cannot contain spaces or commas'] } } })).toEqual({
      'labels.2': ['Labels cannot contain spaces or commas'],
      labels: ['Labels cannot contain spaces or commas'],
    });
  });

  it('reads errors carried on the shape (server-side callers) and ignores junk', () => {
    expect(fieldErrorsOf({ shape: { data: { fieldErrors: { email: ['Taken'] } } } })).toEqual({ email: ['Taken'] });
    expect(fieldErrorsOf(new Error('boom'))).toEqual({});
    expect(fieldErrorsOf(null)).toEqual({});
  });
});

describe('errorMessage', () => {
  it('shows server messages written for users', () => {
    const error = { message: 'Run is FINISHED; only UNCONFIRMED runs can be confirmed', data: { code: 'CONFLICT' } };
    expect(errorMessage(error)).toBe('Run is FINISHED; only UNCONFIRMED runs can be confirmed');
    expect(errorCode(error)).toBe('CONFLICT');
  });

  it('tells the user what to do for transport and session failures', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/try again/);
    expect(errorMessage({ message: 'x', data: { code: 'INTERNAL_SERVER_ERROR' } })).toMatch(/server logs/);
    expect(errorMessage({ message: 'UNAUTHORIZED', data: { code: 'UNAUTHORIZED' } })).toMatch(/Sign in again/);
  });

  it('falls back when the message is only a code', () => {
    expect(errorMessage({ message: 'BAD_REQUEST' }, 'Could not save.')).toBe('Could not save.');
    expect(errorMessage({ message: 'NOT_FOUND', data: { code: 'NOT_FOUND' } })).toMatch(/no longer exists/);
  });
});
