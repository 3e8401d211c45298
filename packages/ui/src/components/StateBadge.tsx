import { cx } from '../lib/cx.ts';
import { isWorkingState, stateLabel, stateTone, type StateTone } from '../lib/run-state.ts';
import { TONE_CLASSES, type BadgeTone } from './Badge.tsx';

const TONE: Record<StateTone, BadgeTone> = {
  neutral: 'neutral',
  active: 'info',
  attention: 'warning',
  success: 'success',
  danger: 'danger',
  muted: 'muted',
};

const DOT: Record<StateTone, string> = {
  neutral: 'bg-zinc-400',
  active: 'bg-sky-500',
  attention: 'bg-amber-500',
  success: 'bg-emerald-500',
  danger: 'bg-red-500',
  muted: 'bg-zinc-400',
};

/**
 * A run state as text plus colour (never colour alone). Working states pulse.
 * The visible text is the state name as users know it from Spacelift ("UNCONFIRMED").
 */
export function StateBadge({ state, className, size = 'sm' }: { state: string; className?: string; size?: 'sm' | 'md' }) {
  const tone = stateTone(state);
  const working = isWorkingState(state);
  return (
    <span
      className={cx(
        'inline-flex items-center gap-1.5 rounded font-semibold tracking-wide whitespace-nowrap uppercase ring-1 ring-inset',
        size === 'sm' ? 'px-1.5 py-0.5 text-[10.5px]' : 'px-2 py-1 text-xs',
        TONE_CLASSES[TONE[tone]],
        className,
      )}
      title={stateLabel(state)}
      data-state={state}
    >
      <span className="relative flex size-1.5" aria-hidden="true">
        {working ? <span className={cx('absolute inline-flex size-full animate-ping rounded-full opacity-75', DOT[tone])} /> : null}
        <span className={cx('relative inline-flex size-1.5 rounded-full', DOT[tone])} />
      </span>
      {state.replace(/_/g, ' ')}
    </span>
  );
}
