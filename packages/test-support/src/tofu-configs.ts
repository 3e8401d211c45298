import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import type { FixtureFiles } from './git-repo-fixture.ts';

/**
 * Ready-made OpenTofu configurations that work offline (no registry providers): terraform_data,
 * local-exec, variables, outputs and local modules. Each returns files for createGitRepoFixture;
 * `projectRoot` places the configuration in a sub-directory of the repository.
 */

interface RootOption {
  /** Directory of the configuration inside the repository (default: repository root). */
  projectRoot?: string;
}

function at(projectRoot: string | undefined, files: Record<string, string>): Record<string, string> {
  const root = projectRoot ?? '.';
  return Object.fromEntries(Object.entries(files).map(([path, content]) => [posix.join(root, path), content]));
}

/** `count` terraform_data resources plus an output. Plan: `count` to add. */
export function terraformDataConfig(options: RootOption & { count?: number } = {}): FixtureFiles {
  const count = options.count ?? 3;
  const resources = Array.from(
    { length: count },
    (_, index) => `resource "terraform_data" "item_${index}" {\n  input = "item-${index}"\n}\n`,
  ).join('\n');
  return at(options.projectRoot, {
    'main.tf': `${resources}\noutput "item_count" {\n  value = ${count}\n}\n`,
  });
}

/** One resource with `count = N`, for the run-overhead benchmark. */
export function manyResourcesConfig(options: RootOption & { count: number }): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `resource "terraform_data" "item" {\n  count = ${options.count}\n  input = "item-\${count.index}"\n}\n`,
  });
}

/**
 * A local-exec provisioner writes `var.content` to the file named by `var.output_file`
 * (set `TF_VAR_output_file`), through a local module kept outside the project root when the
 * project root is a sub-directory, so archives must carry module sources along.
 * Plan: 2 to add (terraform_data.writer and module.marker.terraform_data.marker).
 */
export function localExecFileConfig(options: RootOption = {}): FixtureFiles {
  const root = options.projectRoot ?? '.';
  const moduleSource = `./${posix.relative(root, 'modules/marker')}`.replace(/^\.\/\.\.\//, '../');
  return {
    ...at(root, {
      'main.tf': `variable "output_file" {
  type = string
}

variable "content" {
  type    = string
  default = "written by gantry"
}

module "marker" {
  source = "${moduleSource}"
  label  = var.content
}

resource "terraform_data" "writer" {
  input = module.marker.label

  provisioner "local-exec" {
    command = "printf '%s' \\"$CONTENT\\" > \\"$OUTPUT_FILE\\""
    environment = {
      CONTENT     = var.content
      OUTPUT_FILE = var.output_file
    }
  }
}

output "label" {
  value = module.marker.label
}
`,
    }),
    'modules/marker/main.tf': `variable "label" {
  type = string
}

resource "terraform_data" "marker" {
  input = var.label
}

output "label" {
  value = terraform_data.marker.output
}
`,
  };
}

/** Nothing to create, change or output: the plan has no changes. */
export function noChangesConfig(options: RootOption = {}): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `terraform {}\n\nlocals {\n  greeting = "nothing to do"\n}\n`,
  });
}

/** Line of main.tf where invalidHclConfig's syntax error is reported. */
export const INVALID_HCL_ERROR_LINE = 5;

/** A syntax error (unterminated string) in main.tf at INVALID_HCL_ERROR_LINE. */
export function invalidHclConfig(options: RootOption = {}): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `resource "terraform_data" "fine" {
  input = "ok"
}
resource "terraform_data" "broken" {
  input = "unterminated
}
`,
  });
}

/**
 * Prints a secret: at plan time through the output `echo` (= "token=" + `TF_VAR_token`), and at apply
 * time through a local-exec `echo` of the environment variable `APP_TOKEN`.
 */
export function secretPrinterConfig(options: RootOption = {}): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `variable "token" {
  type = string
}

resource "terraform_data" "printer" {
  input = "print"

  provisioner "local-exec" {
    command = "echo \\"the token is $APP_TOKEN\\""
  }
}

output "echo" {
  value = "token=\${var.token}"
}
`,
  });
}

/** Writes the environment of its local-exec (`env`) to the file named by `TF_VAR_dump_file`. */
export function envDumpConfig(options: RootOption = {}): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `variable "dump_file" {
  type = string
}

resource "terraform_data" "dump" {
  input = "dump"

  provisioner "local-exec" {
    command = "env > \\"\${var.dump_file}\\""
  }
}
`,
  });
}

/** Outputs `greeting` from the variable of the same name (set `TF_VAR_greeting`). */
export function variableOutputConfig(options: RootOption = {}): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `variable "greeting" {
  type = string
}

output "greeting" {
  value = var.greeting
}
`,
  });
}

/** Apply sleeps `seconds` in a local-exec provisioner; for stop and kill tests of the apply phase. */
export function slowApplyConfig(options: RootOption & { seconds: number }): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `resource "terraform_data" "slow" {
  input = "slow"

  provisioner "local-exec" {
    command = "echo sleeping; sleep ${options.seconds}; echo woke up"
  }
}
`,
  });
}

/**
 * Plan blocks while reading the file named by `TF_VAR_block_on`: point it at a FIFO from createFifo
 * and nobody writes to it, and planning never ends until the process is stopped (local-exec only
 * runs at apply, so this is how a plan can be made slow offline). OpenTofu ignores SIGINT while it
 * blocks here, so the plan only ends with SIGKILL.
 */
export function blockingPlanConfig(options: RootOption = {}): FixtureFiles {
  return at(options.projectRoot, {
    'main.tf': `variable "block_on" {
  type = string
}

resource "terraform_data" "gate" {
  input = file(var.block_on)
}
`,
  });
}

/** Creates a named pipe (FIFO) at `path`. */
export async function createFifo(path: string): Promise<void> {
  await promisify(execFile)('mkfifo', ['-m', '600', path], { env: { PATH: '/usr/bin:/bin' } });
}
