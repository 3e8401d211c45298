import { rm } from 'node:fs/promises';
import { createPlanArchive, type PlanArchiveManifest } from '../workspace/plan-archive.ts';
import {
  applyInWorkspace,
  checkApplyInput,
  currentStage,
  enterStage,
  type ApplyPhaseInput,
  type ApplyPhaseResult,
  type ApplyStage,
} from './apply-phase.ts';
import type { HeldProcess } from '../process/held-process.ts';
import { collectSecrets, DEFAULT_APPLY_KILL_GRACE_MS, PhaseContext, reportFailure } from './phase-context.ts';
import type { PlanJson } from '../plan/plan-json.ts';
import type { PlanSummary } from '../plan/summarize.ts';
import type { PhaseTimings } from './timings.ts';

/** A plan as OpenTofu describes it (`show -json`), and its summary with secrets masked. */
export interface PlanDescription {
  /** Holds unmasked values (incl. sensitive ones): store it as a secret. */
  planJson: PlanJson;
  summary: PlanSummary;
  timings: PhaseTimings;
}

export interface DescribeOptions {
  /** Where `show`'s own messages go (default: the plan phase's log, stage PLANNING). */
  log?: (text: string) => void;
  signal?: AbortSignal;
}

/** What applying a kept workspace needs: an apply phase's input without the archive. */
export type ApplyInPlaceInput = Omit<ApplyPhaseInput, 'workRoot' | 'archive'>;

/**
 * A planned workspace kept on the worker that planned it (`runPlanPhase({ workspace: 'retain' })`):
 * the checkout, `.terraform`, the lock file, the plan file and the manifest, exactly what the
 * archive would carry. Apply it here (`apply`), or pack it for an apply on any worker (`archive`).
 * Either way, `dispose()` it in the end (apply does so itself).
 */
export class PlannedWorkspace {
  private archiving: Promise<Buffer> | null = null;
  private describing: Promise<PlanDescription> | null = null;
  private disposed = false;

  constructor(
    readonly dir: string,
    readonly manifest: PlanArchiveManifest,
    /** SHA-256 of the plan file when it was made (apply checks the file against the recorded one). */
    readonly planFileSha256: string,
    private readonly describer: (options: DescribeOptions) => Promise<PlanDescription>,
    /** Processes started ahead of time for this workspace (the apply among them); killed on dispose if unused. */
    private readonly held: { apply: HeldProcess | null; all: HeldProcess[] } = { apply: null, all: [] },
  ) {}

  /**
   * `show -json` of the plan and its summary (run once). Safe while the plan is being applied in
   * this workspace: OpenTofu reads the plan file only.
   */
  describe(options: DescribeOptions = {}): Promise<PlanDescription> {
    if (this.describing) return this.describing;
    if (this.disposed) return Promise.reject(new Error('The planned workspace was disposed'));
    this.describing = this.describer(options);
    return this.describing;
  }

  /** The workspace archive, as runPlanPhase would have returned it (packed once). */
  archive(): Promise<Buffer> {
    if (this.archiving) return this.archiving;
    if (this.disposed) return Promise.reject(new Error('The planned workspace was disposed'));
    this.archiving = createPlanArchive(this.dir, this.manifest);
    return this.archiving;
  }

  /**
   * Applies the plan in this workspace, as runApplyPhase does after restoring an archive: the plan
   * file must still have `expectedPlanSha256` (the hash recorded at plan time), the vendor must be
   * the plan's, the state must be the one the plan saw (`stateIn`); then `apply <plan file>`.
   * PREPARING_APPLY → APPLYING through `onStage`. The workspace is removed afterwards.
   */
  async apply(input: ApplyInPlaceInput): Promise<ApplyPhaseResult> {
    if (this.disposed) throw new Error('The planned workspace was disposed');
    const secrets = collectSecrets(input.secrets, input.variables, input.credentials);
    const context = PhaseContext.adopt<ApplyStage>(this.dir, {
      secrets,
      log: input.log,
      signal: input.signal,
      timeoutMs: input.timeoutMs,
      killGraceMs: input.killGraceMs ?? DEFAULT_APPLY_KILL_GRACE_MS,
    });
    try {
      checkApplyInput(input);
      await this.archiving?.catch(() => undefined);
      await enterStage(context, input, 'PREPARING_APPLY');
      context.info('PREPARING_APPLY', 'Applying the plan in the workspace it was made in, on this worker');
      return await applyInWorkspace(context, this.manifest, input, secrets, this.held.apply);
    } catch (error) {
      throw reportFailure(context, currentStage(error) ?? 'PREPARING_APPLY', error);
    } finally {
      if (!input.keepWorkspace) await this.dispose();
    }
  }

  /** Removes the workspace (waits for an archive being packed and a description being made). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all([this.archiving?.catch(() => undefined), this.describing?.catch(() => undefined), ...this.held.all.map((held) => held.discard())]);
    await rm(this.dir, { recursive: true, force: true });
  }
}
