// Formatting of times, durations and identifiers, shared by every screen so they read the same.

/** "850ms", "12s", "1m 05s", "1h 02m", "3d 4h". Negative or non-finite input → "—". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) return `${totalHours}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(totalHours / 24)}d ${totalHours % 24}h`;
}

/** Running durations tick every second, so show whole seconds only (no "850ms" flicker). */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1000 ? '0s' : formatDuration(ms);
}

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Short relative time for dense tables: "just now", "45s ago", "12m ago", "3h ago", "2d ago",
 * then a date ("Mar 4" this year, "Mar 4, 2024" otherwise). Future times (clock skew) read "just now".
 */
export function formatRelativeTime(value: Date | string | number, now: Date | number = Date.now()): string {
  const date = toDate(value);
  const t = date.getTime();
  if (Number.isNaN(t)) return '—';
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const diff = nowMs - t;
  // Ahead by a minute or more: a deadline ("expires in 7d"), not clock skew.
  if (-diff >= MINUTE) {
    const ahead = -diff;
    if (ahead < HOUR) return `in ${Math.round(ahead / MINUTE)}m`;
    if (ahead < DAY) return `in ${Math.round(ahead / HOUR)}h`;
    if (ahead < 30 * DAY) return `in ${Math.round(ahead / DAY)}d`;
    return calendarDate(date, nowMs);
  }
  if (diff < 10_000) return 'just now';
  if (diff < MINUTE) return `${Math.floor(diff / 1000)}s ago`;
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m ago`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)}h ago`;
  if (diff < 7 * DAY) return `${Math.floor(diff / DAY)}d ago`;
  return calendarDate(date, nowMs);
}

/** "Mar 4" this year, "Mar 4, 2024" otherwise (UTC). */
function calendarDate(date: Date, nowMs: number): string {
  const sameYear = date.getUTCFullYear() === new Date(nowMs).getUTCFullYear();
  return date.toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
    timeZone: 'UTC',
  });
}

/** How soon a relative label can change: used to schedule the next re-render. */
export function relativeTimeRefreshMs(value: Date | string | number, now: number = Date.now()): number {
  const diff = Math.abs(now - toDate(value).getTime());
  if (diff < MINUTE) return 1000;
  if (diff < HOUR) return 15_000;
  return 5 * MINUTE;
}

/** Exact time for tooltips and timelines: "2026-11-25 08:32:10 UTC" (unambiguous, sortable). */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Calendar and clock fields of `date` in `timeZone` ("Europe/Berlin"), with the zone's short name. */
function zonedFields(date: Date, timeZone: string): Record<string, string> {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    zoneFormats.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
}

const isUtc = (timeZone: string) => timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'Etc/GMT';

/**
 * The exact time for hovers: "2026-11-25 08:32:10 UTC", or in the viewer's zone with UTC beside it
 * (logs and the API speak UTC): "2026-11-25 09:32:10 GMT+1 (08:32:10 UTC)".
 */
export function formatExactTime(value: Date | string | number, timeZone = 'UTC'): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return '—';
  const utc = date.toISOString().slice(0, 19).replace('T', ' ');
  if (isUtc(timeZone)) return `${utc} UTC`;
  const f = zonedFields(date, timeZone);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}:${f.second} ${f.timeZoneName} (${utc.slice(11)} UTC)`;
}

/** Time of day for timelines, in the viewer's zone: "08:32:10". */
export function formatClockTime(value: Date | string | number, timeZone = 'UTC'): string {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return '—';
  if (isUtc(timeZone)) return date.toISOString().slice(11, 19);
  const f = zonedFields(date, timeZone);
  return `${f.hour}:${f.minute}:${f.second}`;
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '—';
}

/** First line of a commit message. */
export function commitTitle(message: string | null | undefined): string {
  if (!message) return '';
  return message.split('\n', 1)[0]!.trim();
}

/**
 * A browsable link for a commit when the repository is on a well-known forge; null otherwise
 * (self-hosted git over file:// or ssh has nothing to link to).
 */
export function commitUrl(repositoryUrl: string, sha: string): string | null {
  const match = /^https:\/\/(github\.com|gitlab\.com|bitbucket\.org)\/([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(repositoryUrl);
  if (!match || !/^[0-9a-f]{7,40}$/i.test(sha)) return null;
  const [, host, path] = match;
  if (host === 'bitbucket.org') return `https://${host}/${path}/commits/${sha}`;
  if (host === 'gitlab.com') return `https://${host}/${path}/-/commit/${sha}`;
  return `https://${host}/${path}/commit/${sha}`;
}

/** "owner/repo" from a repository URL, for compact headers; falls back to the URL itself. */
export function repositoryLabel(repositoryUrl: string): string {
  const match = /(?:[:/])([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(repositoryUrl);
  return match?.[1] ?? repositoryUrl;
}

/** A safe, readable file name from free text: "Prod VPC / run 8f3a PLANNING" → "prod-vpc-run-8f3a-planning". */
export function logFileName(text: string): string {
  const name = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // accents, once split from their letters
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
  return name || 'log';
}
