// One pub/sub connection per base Redis connection, shared by every subscriber in the process
// (many SSE clients cost one Redis connection, not one each). Channels are subscribed while at
// least one listener wants them; the connection closes when nobody listens.
import type { Redis } from 'ioredis';

export interface ChannelListener {
  /** A message on the channel, parsed from JSON (unparseable messages are dropped). */
  readonly onMessage: (message: unknown) => void;
  /**
   * The connection came back after a drop and channels are subscribed again: messages sent
   * meanwhile are lost, so listeners should catch up from the source of truth.
   */
  readonly onReconnect?: () => void;
}

export interface ChannelSubscription {
  /** Resolves once Redis confirmed the subscription; rejects if the SUBSCRIBE failed. */
  readonly ready: Promise<void>;
  /** True while the shared connection is up (messages flow). */
  isConnected(): boolean;
  unsubscribe(): void;
}

const hubs = new WeakMap<Redis, SubscriberHub>();

/** Subscribes `listener` to `channel` on the hub shared by everyone using `redis`. */
export function subscribeChannel(redis: Redis, channel: string, listener: ChannelListener): ChannelSubscription {
  let hub = hubs.get(redis);
  if (!hub || hub.closed) {
    hub = new SubscriberHub(redis);
    hubs.set(redis, hub);
  }
  return hub.add(channel, listener);
}

class SubscriberHub {
  closed = false;
  private readonly connection: Redis;
  private readonly channels = new Map<string, { listeners: Set<ChannelListener>; ready: Promise<void> }>();
  private connectedBefore = false;

  constructor(base: Redis) {
    // Subscribes wait in the offline queue while Redis is away instead of failing after retries;
    // ioredis re-subscribes every channel itself after a reconnect.
    this.connection = base.duplicate({ maxRetriesPerRequest: null, autoResubscribe: true, lazyConnect: false });
    this.connection.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    this.connection.on('ready', () => {
      if (this.connectedBefore) this.notifyReconnect();
      this.connectedBefore = true;
    });
    // Connection errors are retried by ioredis; without a listener they would be printed as unhandled.
    this.connection.on('error', () => undefined);
  }

  add(channel: string, listener: ChannelListener): ChannelSubscription {
    let entry = this.channels.get(channel);
    if (!entry) {
      const ready = this.connection.subscribe(channel).then(() => undefined);
      // Callers that stop waiting (timeout) must not leave an unhandled rejection behind.
      ready.catch(() => undefined);
      entry = { listeners: new Set(), ready };
      this.channels.set(channel, entry);
    }
    entry.listeners.add(listener);
    const subscribed = entry;
    let active = true;
    return {
      ready: subscribed.ready,
      isConnected: () => this.connection.status === 'ready',
      unsubscribe: () => {
        if (!active) return;
        active = false;
        this.remove(channel, listener);
      },
    };
  }

  private remove(channel: string, listener: ChannelListener): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    entry.listeners.delete(listener);
    if (entry.listeners.size > 0) return;
    this.channels.delete(channel);
    if (this.channels.size === 0) {
      this.closed = true;
      this.connection.disconnect();
    } else {
      this.connection.unsubscribe(channel).catch(() => undefined);
    }
  }

  private dispatch(channel: string, message: string): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    for (const listener of [...entry.listeners]) listener.onMessage(parsed);
  }

  private notifyReconnect(): void {
    for (const entry of this.channels.values()) {
      for (const listener of [...entry.listeners]) listener.onReconnect?.();
    }
  }
}
