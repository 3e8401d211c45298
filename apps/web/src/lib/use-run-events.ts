'use client';

import { RunLog } from '@gantry/ui';
import { useEffect, useRef, useState } from 'react';
import { paths } from './paths.ts';

const MIN_RENDER_INTERVAL_MS = 100;

/**
 * connecting: no answer yet; live: connected and the server follows the run as it happens;
 * polling: connected, but the server cannot subscribe to live updates (Redis) and reads the database
 * every second; reconnecting: the connection dropped and the browser retries; ended: the run ended
 * and everything was received; unavailable: the server refused (the browser does not retry).
 */
export type StreamStatus = 'connecting' | 'live' | 'polling' | 'reconnecting' | 'ended' | 'unavailable';

export interface RunStateEvent {
  state: string;
  at: string | null;
  reason: string | null;
}

/**
 * Subscribes to a run's event stream (SSE): log chunks accumulate in a RunLog, state changes are
 * handed to `onState`. The browser reconnects by itself after a network error and resumes with
 * Last-Event-ID (the seq of the last chunk), and RunLog drops any chunk it already has. Renders are
 * batched (one per animation frame, at most ten a second) however fast chunks arrive.
 */
export function useRunEvents(accountSlug: string, runId: string, onState: (event: RunStateEvent) => void, onEnd?: () => void) {
  const [log, setLog] = useState(() => new RunLog());
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handlers = useRef({ onState, onEnd });
  handlers.current = { onState, onEnd };

  useEffect(() => {
    const runLog = new RunLog();
    setLog(runLog);
    setVersion(0);
    setStatus('connecting');
    const source = new EventSource(paths.runEvents(accountSlug, runId));
    // One render per animation frame at most, and at most one per MIN_RENDER_INTERVAL_MS: a log
    // arriving at megabytes a second moves by hundreds of lines per frame, which nobody can read,
    // and rendering each of those frames would keep the page busy.
    let frame: number | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastRender = -Infinity;
    const flush = () => {
      frame = null;
      lastRender = performance.now();
      setVersion(runLog.version);
    };
    const schedule = () => {
      if (frame !== null || timer !== null) return;
      const wait = lastRender + MIN_RENDER_INTERVAL_MS - performance.now();
      if (wait <= 0) frame = requestAnimationFrame(flush);
      else
        timer = setTimeout(() => {
          timer = null;
          frame = requestAnimationFrame(flush);
        }, wait);
    };
    const cancel = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      frame = null;
      timer = null;
    };

    // Connected is not live: the server says which with a `mode` event first, and on every change.
    source.addEventListener('mode', (event) => {
      const data = parseJson((event as MessageEvent<string>).data);
      setStatus(data?.mode === 'live' ? 'live' : 'polling');
    });
    source.addEventListener('log', (event) => {
      const chunk = parseJson((event as MessageEvent<string>).data);
      if (chunk && typeof chunk.seq === 'number' && typeof chunk.state === 'string' && typeof chunk.text === 'string') {
        if (runLog.append({ seq: chunk.seq, state: chunk.state, text: chunk.text })) schedule();
      }
    });
    source.addEventListener('state', (event) => {
      const data = parseJson((event as MessageEvent<string>).data);
      if (data && typeof data.state === 'string') {
        handlers.current.onState({
          state: data.state,
          at: typeof data.at === 'string' ? data.at : null,
          reason: typeof data.reason === 'string' ? data.reason : null,
        });
      }
    });
    source.addEventListener('end', () => {
      source.close();
      cancel();
      flush();
      setStatus('ended');
      handlers.current.onEnd?.();
    });
    source.addEventListener('error', () => {
      // CLOSED: the server refused (404, 401…) and the browser will not retry. CONNECTING: retrying.
      setStatus(source.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting');
    });
    return () => {
      source.close();
      cancel();
    };
  }, [accountSlug, runId]);

  return { log, version, status };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
