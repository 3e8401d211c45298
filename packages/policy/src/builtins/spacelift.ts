import { createHash } from 'node:crypto';
import { typeName } from '../value.ts';
import { BuiltinTypeError, type BuiltinDef } from './types.ts';

// Spacelift's policy helpers (docs: concepts/policy, "Helper functions"). They are not OPA
// builtins: compilePolicy registers them for Gantry's (Spacelift-flavoured) policies unless
// `spaceliftHelpers: false`.
//
// `sanitized(x)`: Spacelift hashes sensitive string values in plan policy input ("before" and
// "after" of resource changes) with SHA-256 and keeps the last 8 hex digits of the digest;
// `sanitized` applies the same function to a constant so a policy can compare against it:
//   resource.change.after.endpoint == sanitized("forbidden.endpoint/webhook")
// The string is hashed as UTF-8 bytes, like Go's []byte(s).

/** Spacelift's sanitization of one string value. */
export function sanitizeValue(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex').slice(-8);
}

export const sanitizedBuiltin: BuiltinDef = {
  name: 'sanitized',
  arity: 1,
  types: { args: ['string'], result: 'string' },
  impl: ([x]) => {
    if (typeof x !== 'string') throw new BuiltinTypeError('sanitized', `operand 1 must be string but got ${typeName(x!)}`);
    return sanitizeValue(x);
  },
};

/** Builtins Spacelift adds to OPA's, by name. */
export const spaceliftBuiltins: ReadonlyMap<string, BuiltinDef> = new Map([[sanitizedBuiltin.name, sanitizedBuiltin]]);
