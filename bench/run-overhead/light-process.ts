import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BaselineRequest } from './baseline-child.ts';
import type { Measured } from './baseline.ts';

const childScript = fileURLToPath(new URL('./baseline-child.ts', import.meta.url));

/**
 * The (b) and (r) measurements, made in a child process without a database client
 * (baseline-child.ts says why). Started before the benchmark process runs its first query, so its
 * own fork is cheap too.
 */
export class LightProcess {
  private readonly pending: Array<{ resolve: (m: Measured) => void; reject: (e: Error) => void }> = [];
  private constructor(
    private readonly child: ChildProcess,
    lines: Interface,
  ) {
    lines.on('line', (line) => {
      const waiting = this.pending.shift();
      if (!waiting) return;
      const answer = JSON.parse(line) as { ok: true; measured: Measured } | { ok: false; error: string };
      if (answer.ok) waiting.resolve(answer.measured);
      else waiting.reject(new Error(`baseline child: ${answer.error}`));
    });
    child.on('exit', (code) => {
      for (const waiting of this.pending.splice(0)) waiting.reject(new Error(`baseline child exited with code ${code}`));
    });
  }

  static start(): LightProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript], { stdio: ['pipe', 'pipe', 'inherit'] });
    return new LightProcess(child, createInterface({ input: child.stdout! }));
  }

  measure(request: BaselineRequest): Promise<Measured> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin!.write(`${JSON.stringify(request)}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }
}
