import { describe, expect, it } from 'vitest';
import { isReservedEnvironmentName, RESERVED_ENVIRONMENT_NAMES } from './environment.ts';

describe('reserved environment names', () => {
  it.each([...RESERVED_ENVIRONMENT_NAMES, 'GANTRY_', 'GANTRY_ENCRYPTION_KEY'])('%s is reserved', (name) => {
    expect(isReservedEnvironmentName(name)).toBe(true);
  });

  it.each(['TF_VAR_region', 'AWS_REGION', 'path', 'MY_PATH', 'gantry_lower', 'XGANTRY_'])('%s is free', (name) => {
    expect(isReservedEnvironmentName(name)).toBe(false);
  });
});
