'use client';

import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTRPC } from './trpc-context.ts';

const StreamConnected = createContext(false);

/** True while the account event stream is connected: lists can poll slowly. */
export function useAccountStreamConnected(): boolean {
  return useContext(StreamConnected);
}

/**
 * Listens to the account's run state changes (SSE) and refreshes what they affect: the stacks
 * list, the stack (its state and lock) and the stack's runs list. After a reconnect (events may
 * have been missed) it refreshes them all.
 */
export function AccountEvents({ accountSlug, children }: { accountSlug: string; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const source = new EventSource(`/api/accounts/${encodeURIComponent(accountSlug)}/events`);
    // Stack pages show the stack's state and lock (stacks.get): a run changing moves them too.
    const refreshLists = () => {
      void queryClient.invalidateQueries({ queryKey: trpc.stacks.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.stacks.get.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
    };
    source.addEventListener('ready', () => {
      setConnected(true);
      refreshLists();
    });
    source.addEventListener('resync', refreshLists);
    // Only mounted queries refetch; the others are just marked stale. The run page follows its
    // run through its own stream.
    source.addEventListener('run', refreshLists);
    source.addEventListener('error', () => setConnected(false));
    return () => source.close();
  }, [accountSlug, queryClient, trpc]);

  return <StreamConnected.Provider value={connected}>{children}</StreamConnected.Provider>;
}
