export type RunnerErrorCode =
  | 'CHECKOUT_FAILED'
  | 'PROJECT_ROOT_NOT_FOUND'
  | 'VENDOR_NOT_FOUND'
  | 'INVALID_INPUT'
  | 'COMMAND_FAILED'
  | 'PLAN_INTEGRITY'
  | 'ARCHIVE_INVALID'
  | 'CANCELED'
  | 'TIMED_OUT'
  | 'INTERNAL';

/**
 * A run phase failed for a reason worth showing to the user: `message` is short (one line) and the
 * details are in the phase's log.
 */
export class RunnerError extends Error {
  override readonly name: string = 'RunnerError';
  readonly code: RunnerErrorCode;

  constructor(code: RunnerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The phase was stopped through its AbortSignal (a user pressed Stop, or the run was canceled). */
export class RunCanceledError extends RunnerError {
  override readonly name = 'RunCanceledError';

  constructor(message = 'The run was stopped') {
    super('CANCELED', message);
  }
}

/** A vendor command (init, plan, show, apply) ended with a non-zero exit code. */
export class VendorCommandError extends RunnerError {
  override readonly name = 'VendorCommandError';
  readonly step: string;
  readonly exitCode: number | null;

  constructor(step: string, exitCode: number | null, message: string) {
    super('COMMAND_FAILED', message);
    this.step = step;
    this.exitCode = exitCode;
  }
}

/** The plan file in the archive is not the one recorded at plan time: apply refuses it. */
export class PlanIntegrityError extends RunnerError {
  override readonly name = 'PlanIntegrityError';
  readonly expectedSha256: string;
  readonly actualSha256: string;

  constructor(expectedSha256: string, actualSha256: string) {
    super(
      'PLAN_INTEGRITY',
      `The plan file does not match the plan that was recorded (expected SHA-256 ${expectedSha256}, got ${actualSha256}); refusing to apply`,
    );
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }
}
