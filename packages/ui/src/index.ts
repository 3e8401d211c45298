// @gantry/ui: Gantry's design system. Components use the semantic Tailwind colours defined by the
// app's theme (bg, subtle, surface, line, fg, muted, accent for text and borders, accent-solid under accent-fg text) and the log palette CSS
// variables (--log-bg, --log-fg, --log-gutter, --ansi-0…15); see apps/web/src/app/globals.css.

export * from './lib/ansi.ts';
export * from './lib/cx.ts';
export * from './lib/format.ts';
export * from './lib/log-window.ts';
export * from './lib/plan.ts';
export * from './lib/run-log.ts';
export * from './lib/run-state.ts';
export * from './lib/timeline.ts';
export * from './lib/use-time-zone.ts';

export * from './components/Alert.tsx';
export * from './components/Badge.tsx';
export * from './components/Button.tsx';
export * from './components/ConfirmDialog.tsx';
export * from './components/CopyButton.tsx';
export * from './components/EmptyState.tsx';
export * from './components/Field.tsx';
export * from './components/icons.tsx';
export * from './components/LogViewer.tsx';
export * from './components/PlanSummary.tsx';
export * from './components/RelativeTime.tsx';
export * from './components/ResourceChanges.tsx';
export * from './components/RunTimeline.tsx';
export * from './components/Spinner.tsx';
export * from './components/StateBadge.tsx';
