import { DomainError } from '@gantry/domain';
import type { AccountScope } from './context.ts';

/** Writers and admins change stacks and runs; readers only look. Gantry's own actors may do anything. */
export function assertCanWrite(scope: AccountScope): void {
  if (scope.role === null || scope.role === 'ADMIN' || scope.role === 'WRITER') return;
  throw DomainError.forbidden(`Your role in ${scope.account.name} is ${scope.role}; writers and admins can do this`);
}

export function assertAdmin(scope: AccountScope): void {
  if (scope.role === null || scope.role === 'ADMIN') return;
  throw DomainError.forbidden(`Your role in ${scope.account.name} is ${scope.role}; only admins can do this`);
}
