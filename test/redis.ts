/** A Redis per test file (scripts/redis-server.ts); tests that need one skip with a message where redis-server is not installed. */
import { REDIS_SERVER } from '../scripts/redis-server';

export { freePort, startRedis } from '../scripts/redis-server';
export type { LocalRedis } from '../scripts/redis-server';

export function redisAvailable(): boolean {
  if (!REDIS_SERVER) console.warn('skipping: redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)');
  return REDIS_SERVER !== null;
}
