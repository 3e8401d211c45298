// Redis names used by the log pipeline. Everything here is a cache or a notification: Postgres
// holds the log, so losing any of these keys loses nothing.

/** Redis stream with a run's recent log chunks (entry id `<seq>-1`, fields seq/state/text). */
export function runLogStreamKey(runId: string): string {
  return `gantry:run:${runId}:log`;
}

/** Pub/sub channel of one run: state changes and "log chunks up to seq N are stored" notices. */
export function runEventsChannel(runId: string): string {
  return `gantry:run:${runId}:events`;
}

/** Pub/sub channel of one account: state changes of all its runs (lists update live). */
export function accountRunEventsChannel(accountId: string): string {
  return `gantry:account:${accountId}:runs`;
}

/** Approximate number of entries a run's log stream keeps (`XADD … MAXLEN ~`). */
export const LOG_STREAM_MAX_LEN = 1000;
/** TTL refreshed on every append while a phase writes: a dead worker's stream still goes away. */
export const LOG_STREAM_TTL_SECONDS = 24 * 60 * 60;
/** TTL set when a writer closes: readers that subscribed earlier have long read what they need. */
export const LOG_STREAM_CLOSED_TTL_SECONDS = 5 * 60;

/** A stream entry id that sorts by seq; `<seq>-0` would be invalid for seq 0 (must exceed 0-0). */
export function streamIdForSeq(seq: number): string {
  return `${seq}-1`;
}
