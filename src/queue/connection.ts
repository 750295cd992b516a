/**
 * The Redis a queued run goes through: its URL checked, connections whose errors are kept for
 * the message rather than printed, a first answer awaited, and a watch that says when Redis
 * stops answering. Commands wait while a connection is down (BullMQ needs that); the watch is
 * what ends the wait.
 */
import { Redis } from 'ioredis';
import { QueueError, UsageError } from '../errors';

/** The BullMQ queue every coordinator and worker uses (a Redis database holds one). */
export const QUEUE_NAME = 'ctxembed';

/** How long Redis may go without answering before a coordinator or worker gives up. */
export const REDIS_GRACE_SECONDS = 5;

const TICK_MS = 500;

/** The URL as shown in messages: without a password. */
function shown(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname.length > 1 ? url.pathname : ''}`;
}

/** `redis://HOST:PORT[/DB]` (or `rediss://` for TLS), else a usage error. */
function parseRedisUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--queue ${text}: not a URL; expected redis://HOST:PORT[/DB]`);
  }
  if (!['redis:', 'rediss:'].includes(url.protocol) || !url.hostname) throw new UsageError(`--queue ${text}: not a Redis URL; expected redis://HOST:PORT[/DB]`);
  if (!/^\/?(\d+)?$/.test(url.pathname)) throw new UsageError(`--queue ${text}: the database after the port must be a number (redis://HOST:PORT/0)`);
  return url;
}

/** Waits for `promise`, or `ms` at most (BullMQ's closing calls never return while Redis is gone). */
export async function awaitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

export class RedisLink {
  /** The URL for messages. */
  readonly where: string;
  private readonly clients: Redis[] = [];
  private lastError = '';
  /** Why Redis is taken for gone, once a watch found it so. */
  lost: string | null = null;
  /** Rejects once a watch finds Redis gone. */
  private readonly gone: Promise<never>;
  private declareGone!: (err: QueueError) => void;

  constructor(private readonly url: string) {
    this.where = shown(parseRedisUrl(url));
    this.gone = new Promise<never>((_, reject) => (this.declareGone = reject));
    this.gone.catch(() => undefined); // nobody may be waiting
  }

  throwIfLost(): void {
    if (this.lost) throw new QueueError(this.lost);
  }

  /** `call` (a Redis command), or a QueueError once a watch finds Redis gone: commands wait for Redis forever otherwise. */
  whileUp<T>(call: Promise<T>): Promise<T> {
    return Promise.race([call, this.gone]);
  }

  /** A new connection (BullMQ's queues, events and workers each take one). */
  client(): Redis {
    const client = new Redis(this.url, {
      maxRetriesPerRequest: null,
      connectTimeout: REDIS_GRACE_SECONDS * 1000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    client.on('error', (err: Error) => (this.lastError = err.message));
    this.clients.push(client);
    return client;
  }

  /** Why Redis is not answering, as far as the connections know. */
  private why(): string {
    return this.lastError || `no answer in ${REDIS_GRACE_SECONDS} s`;
  }

  /** Waits for Redis to answer, or throws a QueueError naming the URL. */
  async check(): Promise<void> {
    const client = this.client();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueError(`cannot reach Redis at ${this.where} (${this.why()}): start it, or check the URL`)), REDIS_GRACE_SECONDS * 1000);
    });
    try {
      await Promise.race([client.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Calls `onLost` (and fails every `whileUp` call) once Redis has left a ping unanswered for REDIS_GRACE_SECONDS. Missed answers
   * are counted in ticks, so an event loop held up by a long model run is not taken for silence.
   * Returns a function that stops watching.
   */
  watch(onLost: (message: string) => void): () => void {
    const client = this.client();
    let answered = true;
    let missed = 0;
    const timer = setInterval(() => {
      missed = answered ? 0 : missed + 1;
      if (missed * TICK_MS >= REDIS_GRACE_SECONDS * 1000) {
        clearInterval(timer);
        const message = `lost Redis at ${this.where} (${this.why()})`;
        this.lost = message;
        this.declareGone(new QueueError(message));
        onLost(message);
        return;
      }
      if (!answered && missed > 0) return; // the last ping is still out
      answered = false;
      client.ping().then(
        () => (answered = true),
        () => undefined,
      );
    }, TICK_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Closes every connection at once (also those waiting for a Redis that is gone). */
  close(): void {
    for (const client of this.clients) client.disconnect();
    this.clients.length = 0;
  }
}
