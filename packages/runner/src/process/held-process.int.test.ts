import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraformDataConfig } from '@gantry/test-support';
import { bundledTofuPath } from '../vendor/binary.ts';
import { PhaseContext } from '../phases/phase-context.ts';
import { processesMentioning } from '../test-helpers/processes.ts';
import { HeldProcess, heldStartsSupported, ProcessGate } from './held-process.ts';
import { runProcess } from './run-process.ts';

const tofu = bundledTofuPath();
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'gantry-held-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A directory holding `files`, initialised by a plain `tofu init`. */
async function initialisedProject(name: string, env: Record<string, string>): Promise<string> {
  const dir = join(scratch, name);
  const files = terraformDataConfig({ count: 2 });
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) if (content !== null) await writeFile(join(dir, path), content);
  const init = await runProcess({ command: tofu, args: ['init', '-input=false'], cwd: dir, env });
  expect(init.exitCode).toBe(0);
  return dir;
}

function environment(home: string): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: home, TMPDIR: home, LANG: 'C.UTF-8', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(home, 'unused.tfrc') };
}

/** `tofu plan -out` of an initialised project, held at its gate. */
async function heldPlan(name: string, killGraceMs: number): Promise<{ held: HeldProcess; planFile: string }> {
  const home = await mkdtemp(join(scratch, 'home-'));
  const env = environment(home);
  const project = await initialisedProject(name, env);
  const planFile = join(home, `${name}.tfplan`);
  const [gate] = await ProcessGate.create(home, [`${name}.tfrc`]);
  const args = [`-chdir=${project}`, 'plan', '-input=false', '-no-color', `-out=${planFile}`];
  return { held: new HeldProcess(gate!, { command: tofu, args, cwd: home, env, killGraceMs }), planFile };
}

describe('held starts', () => {
  it('holds OpenTofu, and not a binary that touches its directory before its configuration', async () => {
    expect(await heldStartsSupported(tofu)).toBe(true);

    // Changes into -chdir first, reads the configuration after: holding it would let it work early.
    const eager = join(scratch, 'eager-vendor');
    await writeFile(eager, '#!/bin/sh\ncd "${1#-chdir=}" || exit 1\ncat "$TF_CLI_CONFIG_FILE" >/dev/null\necho "OpenTofu v0.0.0"\n');
    await chmod(eager, 0o755);
    expect(await heldStartsSupported(eager)).toBe(false);

    // Does not read the configuration at all.
    const deaf = join(scratch, 'deaf-vendor');
    await writeFile(deaf, '#!/bin/sh\necho "OpenTofu v0.0.0"\n');
    await chmod(deaf, 0o755);
    expect(await heldStartsSupported(deaf)).toBe(false);
  });

  it('a held plan writes nothing until it is released, then runs as it would have, output included', async () => {
    const { held, planFile } = await heldPlan('held-plan', 1_000);
    let ended = false;
    void held.ended.then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ended).toBe(false);
    expect(existsSync(planFile)).toBe(false);

    let output = '';
    const result = await held.release({ onOutput: (text) => (output += text), timeoutMs: 60_000 });
    expect(result).toMatchObject({ exitCode: 0, aborted: false, timedOut: false });
    expect(output).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    expect(existsSync(planFile)).toBe(true);
    await expect(held.release({})).rejects.toThrow(/released once/);
  });

  it('a discarded held process is killed before it did anything', async () => {
    const { held, planFile } = await heldPlan('discarded-plan', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    await held.discard();
    expect(performance.now() - started).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(planFile)).toBe(false);
  });

  it('a held process answers only for exactly the command it was started as', async () => {
    const home = await mkdtemp(join(scratch, 'home-'));
    const env = environment(home);
    const [gate] = await ProcessGate.create(home, ['version.tfrc']);
    const spec = { command: tofu, args: [`-chdir=${home}`, 'version'], cwd: home, env, captureStdout: true };
    const held = new HeldProcess(gate!, { ...spec, killGraceMs: 1_000 });
    expect(held.runs(spec)).toBe(true);
    expect(held.runs({ ...spec, env: { ...env } })).toBe(true);
    expect(held.runs({ ...spec, env: { ...env, TF_VAR_extra: '1' } })).toBe(false);
    expect(held.runs({ ...spec, args: [...spec.args, '-json'] })).toBe(false);
    expect(held.runs({ ...spec, cwd: scratch })).toBe(false);
    expect(held.runs({ ...spec, captureStdout: false })).toBe(false);
    const result = await held.release({ timeoutMs: 30_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^OpenTofu v/);
  });

  it('a released process that runs past its time limit is stopped and says so', async () => {
    const home = await mkdtemp(join(scratch, 'home-'));
    const [gate] = await ProcessGate.create(home, ['slow.tfrc']);
    // `sh` reads its configuration like OpenTofu would (the FIFO), then outlives its time limit.
    const held = new HeldProcess(gate!, {
      command: '/bin/sh',
      args: ['-c', 'cat "$TF_CLI_CONFIG_FILE"; echo released; exec sleep 30'],
      cwd: home,
      env: environment(home),
      killGraceMs: 500,
    });
    let output = '';
    const result = await held.release({ onOutput: (text) => (output += text), timeoutMs: 300 });
    expect(result).toMatchObject({ timedOut: true, aborted: false });
    expect(output).toContain('released');
  });

  it('a phase that ends kills the processes it held for commands that never ran', async () => {
    expect(await heldStartsSupported(tofu)).toBe(true);
    const workRoot = await mkdtemp(join(scratch, 'phase-'));
    const context = await PhaseContext.create<'PLANNING'>({ workRoot, kind: 'plan', secrets: [], log: () => {}, killGraceMs: 60_000 });
    const project = join(context.workspaceDir, 'not-checked-out-yet');
    const env = environment(context.workspaceDir);
    const held = await context.hold([
      { command: { binary: tofu, displayName: 'tofu', args: ['init', '-input=false'], cwd: project, env } },
      { command: { binary: tofu, displayName: 'tofu', args: ['plan', '-input=false'], cwd: project, env } },
    ]);
    expect(held.every((process) => process instanceof HeldProcess)).toBe(true);
    expect(await processesMentioning(`-chdir=${project}`)).toHaveLength(2);
    await context.dispose(false);
    expect(await processesMentioning(`-chdir=${project}`)).toEqual([]);
    expect(existsSync(context.workspaceDir)).toBe(false);
  });
});
