// Types for web-build.mjs (plain JavaScript: `pnpm start` runs it before dependencies are installed).

/** True when apps/web/.next exists and was recorded (recordWebBuild) as built from the current sources. */
export function webBuildIsCurrent(env?: Record<string, string | undefined>): boolean;

/** Call after a successful `next build`: records which sources the build in apps/web/.next was made from. */
export function recordWebBuild(env?: Record<string, string | undefined>): void;
