import type { PrismaClient } from '@gantry/db';
import type { OutboxJob, OutboxSource } from '@gantry/queue';
import pg from 'pg';

const CHANNEL = 'gantry_outbox';

/**
 * The relay's view of the Outbox table, woken by Postgres NOTIFY (sent by a rule on insert, so only
 * committed rows notify) over a dedicated connection that reconnects by itself.
 */
export function createOutboxSource(prisma: PrismaClient, databaseUrl: string, options: { onError?: (error: unknown) => void } = {}): OutboxSource {
  return {
    async unpublished(limit) {
      const rows = await prisma.outbox.findMany({
        where: { publishedAt: null },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit,
        select: { id: true, queue: true, jobName: true, payload: true },
      });
      return rows satisfies OutboxJob[];
    },
    async markPublished(ids) {
      await prisma.outbox.updateMany({ where: { id: { in: ids }, publishedAt: null }, data: { publishedAt: new Date() } });
    },
    async markFailed(ids, error) {
      await prisma.outbox.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 }, lastError: error.slice(0, 2000) } });
    },
    async subscribe(wake) {
      let client: pg.Client | null = null;
      let closed = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async () => {
        if (closed) return;
        const next = new pg.Client({ connectionString: databaseUrl });
        next.on('notification', () => wake());
        next.on('error', (error) => {
          options.onError?.(error);
          next.end().catch(() => {});
          if (client === next) client = null;
          scheduleReconnect();
        });
        try {
          await next.connect();
          await next.query(`LISTEN ${CHANNEL}`);
          client = next;
          wake(); // catch up with anything committed while not listening
        } catch (error) {
          options.onError?.(error);
          next.end().catch(() => {});
          scheduleReconnect();
        }
      };
      const scheduleReconnect = () => {
        if (closed || retry) return;
        retry = setTimeout(() => {
          retry = undefined;
          void connect();
        }, 1_000);
        retry.unref?.();
      };
      await connect();
      return async () => {
        closed = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => {});
      };
    },
  };
}

/** Deletes outbox rows published longer ago than `olderThanMs` (housekeeping). */
export async function purgePublishedOutbox(prisma: PrismaClient, olderThanMs: number): Promise<number> {
  const { count } = await prisma.outbox.deleteMany({ where: { publishedAt: { lt: new Date(Date.now() - olderThanMs) } } });
  return count;
}
