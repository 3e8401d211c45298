import { createLogChunkStore, heartbeat, LeaseLostError, type AccountScope, type CoreServices, type PhaseLogTail } from '@gantry/core';
import type { RunState } from '@gantry/domain';
import { createRunLogWriter, type RunLogWriter } from '@gantry/logs';

/** How Gantry's own lines in a run's log begin. */
export const GANTRY_PREFIX = '\u001b[1;36m[gantry]\u001b[0m ';
/**
 * How long output waits before it is stored and published (unless a chunk fills first). Each flush is
 * a database transaction and a Redis publish, CPU that OpenTofu on the same cores does not get: at the
 * writer's 50 ms default a short run paid ~10 – 25 ms (bench/run-overhead); readers see lines within
 * a quarter of a second, and closeLog still stores everything before a phase-ending transition.
 */
const LOG_FLUSH_INTERVAL_MS = 250;

export type AbortReason = 'stopped' | 'lease-lost' | 'shutdown';

export interface PhaseSessionContext {
  services: CoreServices;
  leaseMs: number;
  heartbeatMs: number;
  /** Aborted when the worker shuts down: repeatable work is handed back, applies run to the end. */
  shutdown: AbortSignal;
  /** Aborted when the worker must stop at once: the phase stops even while it applies. */
  interrupt?: AbortSignal;
  log?: (message: string) => void;
}

/**
 * One leased phase: heartbeat, cancellation and the run's log.
 *
 * The log is closed (everything stored, readers told) before the phase reports the transition that
 * ends it, so a viewer's `end` always comes after the last line (closeLog). Anything written after
 * that (an error while reporting) opens a new writer, which continues the numbering.
 */
export class PhaseSession {
  readonly abort = new AbortController();
  reason: AbortReason | null = null;
  /** Whether infrastructure may be changing now (a shutdown must then wait, not abort). */
  applying = false;
  /** The state the last output was tagged with. */
  lastState: RunState;
  /** The commit this worker resolved for the run, until a transition records it. */
  unrecordedCommitSha: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  /** Transitions started without waiting for them (pipeline), in order. */
  private transitions: Promise<void> = Promise.resolve();
  private transitionFailure: unknown = null;
  private writer: RunLogWriter | null;
  private opening: Promise<void> | null = null;
  private readonly waiting: Array<{ state: RunState; text: string }> = [];
  private readonly onShutdown = () => {
    if (!this.applying) this.stop('shutdown');
  };
  private readonly onInterrupt = () => this.stop('shutdown');

  private constructor(
    private readonly ctx: PhaseSessionContext,
    readonly scope: AccountScope,
    readonly runId: string,
    readonly leaseToken: string,
    writer: RunLogWriter,
  ) {
    this.writer = writer;
    this.lastState = writer.state as RunState;
  }

  /** `storedMaxSeq`: the run log's highest stored seq, as the claim read it (null: none yet). */
  static async open(
    ctx: PhaseSessionContext,
    scope: AccountScope,
    runId: string,
    leaseToken: string,
    state: RunState,
    storedMaxSeq: number | null,
  ): Promise<PhaseSession> {
    const session = new PhaseSession(ctx, scope, runId, leaseToken, await PhaseSession.openWriter(ctx, scope, runId, state, storedMaxSeq));
    session.start();
    return session;
  }

  /** Without `storedMaxSeq` the writer reads where the log stands (a log reopened after closeLog). */
  private static openWriter(ctx: PhaseSessionContext, scope: AccountScope, runId: string, state: RunState, storedMaxSeq?: number | null): Promise<RunLogWriter> {
    return createRunLogWriter({
      redis: ctx.services.redis,
      store: createLogChunkStore(scope.db),
      runId,
      state,
      ...(storedMaxSeq !== undefined ? { storedMaxSeq } : {}),
      flushIntervalMs: LOG_FLUSH_INTERVAL_MS,
      onError: (error, during) => ctx.log?.(`log ${during} of run ${runId} failed: ${(error as Error).message}`),
    });
  }

  private start(): void {
    this.timer = setInterval(() => void this.beat(), this.ctx.heartbeatMs);
    this.ctx.shutdown.addEventListener('abort', this.onShutdown);
    this.ctx.interrupt?.addEventListener('abort', this.onInterrupt);
    if (this.ctx.shutdown.aborted) this.onShutdown();
    if (this.ctx.interrupt?.aborted) this.onInterrupt();
  }

  private async beat(): Promise<void> {
    try {
      const result = await heartbeat(this.scope, this.runId, this.leaseToken, this.ctx.leaseMs);
      if (!result.held) this.stop(result.state === 'STOPPED' ? 'stopped' : 'lease-lost');
    } catch (error) {
      // A missed heartbeat is not fatal: the lease is several heartbeats long.
      this.ctx.log?.(`heartbeat of run ${this.runId} failed: ${(error as Error).message}`);
    }
  }

  /**
   * Records a transition while the phase goes on (the next OpenTofu command starts at once instead
   * of after a database round trip). Transitions stay in order; if one is refused (the run was
   * stopped or taken over) the phase is stopped, like a heartbeat that finds the lease gone. Only for
   * stages whose work is safe to repeat and changes nothing outside the workspace (INITIALIZING,
   * PLANNING); await `settled()` before any other transition.
   */
  pipeline(transition: () => Promise<unknown>): void {
    this.transitions = this.transitions.then(async () => {
      if (this.transitionFailure) return;
      try {
        await transition();
      } catch (error) {
        this.transitionFailure = error;
        if (error instanceof LeaseLostError) this.stop(error.details.state === 'STOPPED' ? 'stopped' : 'lease-lost');
        // Anything else (the database failing): the phase stops and fails with this error.
        else this.abort.abort();
      }
    });
  }

  /** Waits for pipelined transitions; throws the first one that failed. */
  async settled(): Promise<void> {
    await this.transitions;
    if (this.transitionFailure) throw this.transitionFailure;
  }

  /** The pipelined transition that failed, once pipelined transitions are settled. */
  async pipelineFailure(): Promise<unknown> {
    await this.transitions;
    return this.transitionFailure;
  }

  stop(reason: AbortReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.abort.abort();
  }

  /** Writes output tagged with `state` (masked already by the runner). */
  write(state: RunState, text: string): void {
    this.lastState = state;
    if (this.writer && !this.opening) {
      if (this.writer.state !== state) this.writer.setState(state);
      void this.writer.write(text);
      return;
    }
    this.waiting.push({ state, text });
    this.opening ??= PhaseSession.openWriter(this.ctx, this.scope, this.runId, state).then(
      (writer) => {
        this.writer = writer;
        this.opening = null;
        for (const entry of this.waiting.splice(0)) this.write(entry.state, entry.text);
      },
      (error: unknown) => {
        this.opening = null;
        this.ctx.log?.(`log of run ${this.runId} could not be reopened: ${(error as Error).message}`);
        this.waiting.length = 0;
      },
    );
  }

  info(state: RunState, message: string): void {
    this.write(state, `${GANTRY_PREFIX}${message}\n`);
  }

  /** Stores everything written so far and closes the log: call before reporting the phase's end. */
  async closeLog(): Promise<void> {
    await this.opening;
    const writer = this.writer;
    this.writer = null;
    if (!writer) return;
    await writer.close().catch((error: unknown) => this.logNotStored(error));
  }

  /**
   * Ends the log with the transition that ends the phase: what the writer has not stored yet goes
   * into the transition's own statement (`tail`, see PhaseLogTail) instead of a transaction before
   * it, and is published to live readers before the transition is announced. If the transition
   * fails, the writer stores it itself. Like closeLog, anything written later opens a new writer.
   */
  async endLogWith<T>(transition: (tail: PhaseLogTail | undefined) => Promise<T>): Promise<T> {
    await this.opening;
    const writer = this.writer;
    this.writer = null;
    const handOver = writer ? await writer.handOver().catch((error: unknown) => this.logNotStored(error)) : undefined;
    if (!handOver) return transition(undefined);
    const tail: PhaseLogTail = {
      chunks: handOver.chunks.map((chunk) => ({ seq: chunk.seq, state: chunk.state as RunState, text: chunk.text })),
      afterCommit: async () => {
        await handOver.stored().catch((error: unknown) => this.logNotStored(error));
      },
    };
    try {
      return await transition(tail);
    } catch (error) {
      await handOver.notStored().catch((storeError: unknown) => this.logNotStored(storeError));
      throw error;
    }
  }

  private logNotStored(error: unknown): undefined {
    this.ctx.log?.(`log of run ${this.runId} not fully stored: ${(error as Error).message}`);
    return undefined;
  }

  /** Stops the heartbeat and closes the log if something was written since closeLog. */
  async end(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.ctx.shutdown.removeEventListener('abort', this.onShutdown);
    this.ctx.interrupt?.removeEventListener('abort', this.onInterrupt);
    await this.closeLog();
  }
}
