import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildRunEnvironment, workspaceLayout } from '../process/environment.ts';
import { runProcess } from '../process/run-process.ts';
import { bundledTofuPath } from '../vendor/binary.ts';

/**
 * Test helper: a scratch OpenTofu project driven by the real binary, to produce real plan JSON
 * (apply one configuration, then plan another against its state).
 */
export class TofuScratchProject {
  readonly dir: string;
  private readonly env: Record<string, string>;
  private readonly binary = bundledTofuPath();

  private constructor(dir: string, env: Record<string, string>) {
    this.dir = dir;
    this.env = env;
  }

  static async create(variables: Record<string, string> = {}): Promise<TofuScratchProject> {
    const dir = await mkdtemp(join(tmpdir(), 'gantry-tofu-scratch-'));
    const layout = workspaceLayout(dir);
    await mkdir(layout.home, { recursive: true });
    await mkdir(layout.tmp, { recursive: true });
    await writeFile(layout.cliConfigFile, '');
    const env = buildRunEnvironment({
      workspaceDir: dir,
      vendorBinary: bundledTofuPath(),
      variables: Object.entries(variables).map(([name, value]) => ({ name, value })),
    });
    return new TofuScratchProject(dir, env);
  }

  /** Replaces the project's .tf files. */
  async writeConfig(files: Record<string, string>): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(this.dir, path)), { recursive: true });
      await writeFile(join(this.dir, path), content);
    }
  }

  async tofu(...args: string[]): Promise<string> {
    let output = '';
    const result = await runProcess({
      command: this.binary,
      args,
      cwd: this.dir,
      env: this.env,
      captureStdout: true,
      onOutput: (text) => {
        output += text;
      },
    });
    if (result.exitCode !== 0) throw new Error(`tofu ${args.join(' ')} failed (${result.exitCode}): ${output}`);
    return result.stdout;
  }

  async apply(): Promise<void> {
    await this.tofu('init', '-input=false');
    await this.tofu('apply', '-input=false', '-auto-approve');
  }

  /** Plans the current configuration and returns `tofu show -json` of the plan, parsed. */
  async planJson(): Promise<unknown> {
    await this.tofu('init', '-input=false');
    await this.tofu('plan', '-input=false', '-out=test.tfplan');
    return JSON.parse(await this.tofu('show', '-json', 'test.tfplan'));
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
