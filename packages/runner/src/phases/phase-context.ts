import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ProcessSpawnerExitedError } from '@gantry/process';
import { RunCanceledError, RunnerError, VendorCommandError } from '../errors.ts';
import { createMaskedOutput } from '../masking/masked-output.ts';
import { createSecretMasker } from '../masking/secret-masker.ts';
import { workspaceLayout, type RunVariable } from '../process/environment.ts';
import { runProcess, type ProcessResult } from '../process/run-process.ts';
import { StepTimer } from './timings.ts';

/** Prefix of the lines Gantry itself writes into a run's log (bold cyan, like the UI's accent). */
const GANTRY_PREFIX = '\u001b[1;36m[gantry]\u001b[0m ';

export const DEFAULT_PLAN_KILL_GRACE_MS = 10_000;
/** An interrupted apply may need time to record what it created; only then is it killed. */
export const DEFAULT_APPLY_KILL_GRACE_MS = 60_000;

export interface PhaseContextOptions<Stage extends string> {
  workRoot: string;
  /** Prefix of the workspace directory name, e.g. "plan". */
  kind: string;
  secrets: readonly string[];
  log: (stage: Stage, text: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  killGraceMs: number;
}

/**
 * What every phase shares: a private workspace under workRoot, a log that masks secrets, cancellation
 * and time limits, and running vendor commands with their failures turned into RunnerErrors.
 */
export class PhaseContext<Stage extends string> {
  readonly workspaceDir: string;
  /** Time per step; every vendor command is measured under its step name. */
  readonly timer: StepTimer;
  private readonly options: PhaseContextOptions<Stage>;
  private readonly deadline: number | undefined;
  private readonly secrets: readonly string[];

  private constructor(workspaceDir: string, options: PhaseContextOptions<Stage>, timer: StepTimer) {
    this.workspaceDir = workspaceDir;
    this.timer = timer;
    this.options = options;
    this.secrets = options.secrets;
    this.deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  }

  static async create<Stage extends string>(options: PhaseContextOptions<Stage>): Promise<PhaseContext<Stage>> {
    const timer = new StepTimer();
    const started = performance.now();
    await mkdir(options.workRoot, { recursive: true });
    const workspaceDir = await mkdtemp(join(options.workRoot, `${options.kind}-`));
    const layout = workspaceLayout(workspaceDir);
    await mkdir(layout.home, { recursive: true });
    await mkdir(layout.tmp, { recursive: true });
    // An empty CLI configuration: no ~/.terraformrc of the worker, no plugin cache, no credentials.
    await writeFile(layout.cliConfigFile, '');
    timer.add('workspace', performance.now() - started);
    return new PhaseContext(workspaceDir, options, timer);
  }

  /** A context over a workspace that a previous phase created (and this one takes over). */
  static adopt<Stage extends string>(workspaceDir: string, options: Omit<PhaseContextOptions<Stage>, 'workRoot' | 'kind'>): PhaseContext<Stage> {
    return new PhaseContext(workspaceDir, { ...options, workRoot: '', kind: '' }, new StepTimer());
  }

  /** Writes a line of Gantry's own into the log, masked like everything else. */
  info(stage: Stage, message: string): void {
    const masked = createSecretMasker(this.secrets).maskText(message);
    this.options.log(stage, `${GANTRY_PREFIX}${masked}\n`);
  }

  /** Throws RunCanceledError once the phase's signal is aborted. */
  throwIfCanceled(): void {
    if (this.options.signal?.aborted) throw new RunCanceledError();
  }

  /** Milliseconds left before the phase's time limit (undefined: no limit); throws when none are left. */
  remainingMs(): number | undefined {
    if (this.deadline === undefined) return undefined;
    const left = this.deadline - Date.now();
    if (left <= 0) throw new RunnerError('TIMED_OUT', 'The phase ran past its time limit');
    return left;
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /**
   * Runs a vendor command, streaming its masked output into `stage`'s log. A stop or time-out
   * throws; a non-zero exit code not in `okExitCodes` throws VendorCommandError with OpenTofu's first
   * error (and its file:line) as the short message.
   */
  async run(
    stage: Stage,
    step: string,
    command: { binary: string; displayName: string; args: string[]; cwd: string; env: Record<string, string> },
    options: { okExitCodes?: number[]; captureStdout?: boolean; quiet?: boolean } = {},
  ): Promise<ProcessResult> {
    this.throwIfCanceled();
    if (!options.quiet) {
      const shown = command.args.map((arg) => arg.split(this.workspaceDir).join('<workspace>'));
      this.info(stage, `Running ${[command.displayName, ...shown].join(' ')}`);
    }
    const okExitCodes = options.okExitCodes ?? [0];
    const output = createMaskedOutput(createSecretMasker(this.secrets), (text) => this.options.log(stage, text));
    let tail = '';
    let result: ProcessResult | ProcessSpawnerExitedError;
    const started = performance.now();
    try {
      result = await runProcess({
        command: command.binary,
        args: command.args,
        cwd: command.cwd,
        env: command.env,
        signal: this.options.signal,
        timeoutMs: this.remainingMs(),
        killGraceMs: this.options.killGraceMs,
        captureStdout: options.captureStdout,
        onOutput: (text) => {
          // Keep the end of the output to explain a failure in the error message.
          tail = (tail + text).slice(-64 * 1024);
          output.write(text);
        },
      });
    } catch (error) {
      if (!(error instanceof ProcessSpawnerExitedError)) throw error;
      result = error;
    } finally {
      output.end();
      this.timer.add(step, performance.now() - started);
    }
    if (result instanceof ProcessSpawnerExitedError) {
      // Killed with the worker's spawner: a failure like a command killed by a signal (an apply's
      // failure path then keeps whatever state it wrote).
      this.info(stage, result.message);
      throw new VendorCommandError(step, null, `${command.displayName} ${step} failed: the worker's process spawner exited`);
    }
    if (result.aborted) {
      this.info(stage, `Stopped ${command.displayName} ${step}`);
      throw new RunCanceledError();
    }
    if (result.timedOut) {
      this.info(stage, `${command.displayName} ${step} ran past the phase's time limit and was stopped`);
      throw new RunnerError('TIMED_OUT', `${command.displayName} ${step} ran past the phase's time limit`);
    }
    if (result.exitCode === null || !okExitCodes.includes(result.exitCode)) {
      const how = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
      this.info(stage, `${command.displayName} ${step} ${how}`);
      const reason = firstVendorError(createSecretMasker(this.secrets).maskText(tail));
      throw new VendorCommandError(
        step,
        result.exitCode,
        `${command.displayName} ${step} failed${reason ? `: ${reason}` : ` (${how})`}`,
      );
    }
    return result;
  }

  async dispose(keep: boolean): Promise<void> {
    if (!keep) await rm(this.workspaceDir, { recursive: true, force: true });
  }
}

/**
 * Finds OpenTofu's first diagnostic in its output: "Error: <summary>" and, when present, the
 * "on <file> line <n>" that follows it, e.g. `Invalid multi-line string (main.tf line 5)`.
 */
export function firstVendorError(output: string): string | undefined {
  const lines = stripVTControlCharacters(output)
    .split('\n')
    .map((line) => line.replace(/^[│╷╵|]\s?/, '').trim());
  const index = lines.findIndex((line) => line.startsWith('Error: '));
  if (index === -1) return undefined;
  const summary = lines[index]!.slice('Error: '.length).trim();
  const location = lines
    .slice(index + 1, index + 4)
    .map((line) => /^on (.+?) line (\d+)/.exec(line))
    .find((match) => match !== null);
  return location ? `${summary} (${location[1]} line ${location[2]})` : summary;
}

/** Every value to mask in a phase's log: explicit secrets, secret variables and credentials. */
export function collectSecrets(
  secrets: readonly string[] | undefined,
  variables: readonly RunVariable[],
  credentials: Record<string, string> | undefined,
): string[] {
  return [
    ...(secrets ?? []),
    ...variables.filter((variable) => variable.secret).map((variable) => variable.value),
    ...Object.values(credentials ?? {}),
  ].filter((value) => value.length > 0);
}

/** Errors thrown by the caller's own callbacks (onStage): they leave the phase unchanged. */
const callerErrors = new WeakSet<object>();

export async function callerCallback(callback: () => Promise<void> | void): Promise<void> {
  try {
    await callback();
  } catch (error) {
    if (typeof error === 'object' && error !== null) callerErrors.add(error);
    throw error;
  }
}

/**
 * Logs why the phase ended (unless the vendor's own output already says so) and returns the error to
 * throw. The caller's own errors pass through unchanged; anything unexpected becomes an INTERNAL
 * RunnerError, so a caller handles one type for the phase's failures.
 */
export function reportFailure<Stage extends string>(context: PhaseContext<Stage>, stage: Stage, error: unknown): unknown {
  if (typeof error === 'object' && error !== null && callerErrors.has(error)) return error;
  if (error instanceof RunnerError) {
    if (error.code !== 'COMMAND_FAILED' && error.code !== 'CANCELED' && error.code !== 'TIMED_OUT') {
      context.info(stage, `Error: ${error.message}`);
    }
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  context.info(stage, `Internal error: ${message}`);
  return new RunnerError('INTERNAL', message, { cause: error });
}
