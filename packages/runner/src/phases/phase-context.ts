import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ProcessSpawnerExitedError } from '@gantry/process';
import { RunCanceledError, RunnerError, VendorCommandError } from '../errors.ts';
import { createMaskedOutput } from '../masking/masked-output.ts';
import { createSecretMasker } from '../masking/secret-masker.ts';
import { workspaceLayout, type RunVariable } from '../process/environment.ts';
import { HeldProcess, heldStartsSupported, ProcessGate } from '../process/held-process.ts';
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
  /** Start commands ahead of time where the phase can (see held-process.ts); default true. */
  heldStarts?: boolean;
}

/** A vendor command as a phase runs it: in the project directory, with the phase's environment. */
export interface VendorCommand {
  binary: string;
  displayName: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface RunOptions {
  okExitCodes?: number[];
  captureStdout?: boolean;
  quiet?: boolean;
  /** At a lower CPU priority than the worker's (for work beside the run's critical path). */
  lowPriority?: boolean;
  /** The same command started ahead of time (PhaseContext.hold); used only if it runs exactly this command. */
  held?: HeldProcess | null;
}

export interface HoldRequest {
  command: VendorCommand;
  lowPriority?: boolean;
  captureStdout?: boolean;
  /** Between SIGINT and SIGKILL once released (default: the phase's). */
  killGraceMs?: number;
}

/** coreutils' `nice`, when the machine has it (nothing changes without it). */
const NICE = ['/usr/bin/nice', '/bin/nice'].find((path) => existsSync(path)) ?? null;
/** How much lower than the worker's a background command's priority is (nice increment). */
const BACKGROUND_NICENESS = 10;

/** The command run through `nice`: same process (nice execs it), lower CPU priority. */
export function atLowPriority<C extends { binary: string; args: string[] }>(command: C, nice: string | null = NICE): C {
  if (!nice) return command;
  return { ...command, binary: nice, args: ['-n', String(BACKGROUND_NICENESS), command.binary, ...command.args] };
}

/**
 * The process a command runs as. A held one starts before its directory is ready: it is started in
 * the workspace and changes into the project directory itself (`-chdir`, after its gate).
 */
function processOf(command: VendorCommand, options: { lowPriority?: boolean; held: boolean; workspaceDir: string }): { command: string; args: string[]; cwd: string } {
  const started = options.held
    ? { binary: command.binary, args: [`-chdir=${command.cwd}`, ...command.args] }
    : { binary: command.binary, args: command.args };
  const { binary, args } = options.lowPriority ? atLowPriority(started) : started;
  return { command: binary, args, cwd: options.held ? options.workspaceDir : command.cwd };
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
  /** Processes this context started ahead of time; those never released are killed on dispose. */
  private readonly heldProcesses = new Set<HeldProcess>();
  private readonly holding = new Set<Promise<unknown>>();
  private discarded = false;
  /** Held processes started so far (names their gates). */
  private heldCount = 0;

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
   * Starts commands now that run later (`run(..., { held })`): each waits before it reads anything
   * (held-process.ts). Null for each when this phase or binary does not hold processes; the command
   * then simply starts when it runs.
   */
  hold(requests: HoldRequest[]): Promise<Array<HeldProcess | null>> {
    const holding = this.startHeld(requests);
    this.holding.add(holding);
    void holding.finally(() => this.holding.delete(holding));
    return holding;
  }

  private async startHeld(requests: HoldRequest[]): Promise<Array<HeldProcess | null>> {
    const none = requests.map(() => null);
    const binary = requests[0]?.command.binary;
    if (this.options.heldStarts === false || !binary || !(await heldStartsSupported(binary, { wait: false }))) return none;
    if (this.options.signal?.aborted) return none;
    let gates: ProcessGate[];
    try {
      const first = this.heldCount;
      this.heldCount += requests.length;
      gates = await ProcessGate.create(
        dirname(workspaceLayout(this.workspaceDir).cliConfigFile),
        requests.map((_request, index) => `held-${first + index}.tfrc`),
      );
    } catch {
      // Holding is an optimisation: without it every command starts when it runs.
      return none;
    }
    if (this.discarded) return none;
    return requests.map((request, index) => {
      const process = new HeldProcess(gates[index]!, {
        ...processOf(request.command, { lowPriority: request.lowPriority, held: true, workspaceDir: this.workspaceDir }),
        env: request.command.env,
        captureStdout: request.captureStdout,
        killGraceMs: request.killGraceMs ?? this.options.killGraceMs,
      });
      this.heldProcesses.add(process);
      return process;
    });
  }

  /**
   * Runs a vendor command, streaming its masked output into `stage`'s log. A stop or time-out
   * throws; a non-zero exit code not in `okExitCodes` throws VendorCommandError with OpenTofu's first
   * error (and its file:line) as the short message.
   */
  async run(stage: Stage, step: string, command: VendorCommand, options: RunOptions = {}): Promise<ProcessResult> {
    this.throwIfCanceled();
    if (!options.quiet) {
      const shown = command.args.map((arg) => arg.split(this.workspaceDir).join('<workspace>'));
      this.info(stage, `Running ${[command.displayName, ...shown].join(' ')}`);
    }
    const okExitCodes = options.okExitCodes ?? [0];
    const output = createMaskedOutput(createSecretMasker(this.secrets), (text) => this.options.log(stage, text));
    let tail = '';
    let result: ProcessResult | ProcessSpawnerExitedError;
    const onOutput = (text: string) => {
      // Keep the end of the output to explain a failure in the error message.
      tail = (tail + text).slice(-64 * 1024);
      output.write(text);
    };
    const held = options.held ?? null;
    const useHeld =
      held !== null &&
      held.runs({
        ...processOf(command, { lowPriority: options.lowPriority, held: true, workspaceDir: this.workspaceDir }),
        env: command.env,
        captureStdout: options.captureStdout,
      });
    const started = performance.now();
    try {
      if (held) this.heldProcesses.delete(held);
      if (held && !useHeld) await held.discard();
      result = useHeld
        ? await held.release({ onOutput, signal: this.options.signal, timeoutMs: this.remainingMs() })
        : await runProcess({
            ...processOf(command, { lowPriority: options.lowPriority, held: false, workspaceDir: this.workspaceDir }),
            env: command.env,
            signal: this.options.signal,
            timeoutMs: this.remainingMs(),
            killGraceMs: this.options.killGraceMs,
            captureStdout: options.captureStdout,
            onOutput,
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

  /** Kills the processes held for commands that did not run; removes the workspace unless `keep`. */
  async dispose(keep: boolean): Promise<void> {
    await this.discardHeld();
    if (!keep) await rm(this.workspaceDir, { recursive: true, force: true });
  }

  /** Kills the processes held for commands that did not run (and forgets them). */
  async discardHeld(): Promise<void> {
    this.discarded = true;
    await Promise.allSettled([...this.holding]);
    const held = [...this.heldProcesses];
    this.heldProcesses.clear();
    await Promise.all(held.map((process) => process.discard()));
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
