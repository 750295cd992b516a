/** A Redis per test file (scripts/redis-server.ts); tests that need one skip with a message where redis-server is not installed. */
import { LocalRedis, REDIS_SERVER, startRedis } from '../scripts/redis-server';

export { freePort, startRedis } from '../scripts/redis-server';

export function redisAvailable(): boolean {
  if (!REDIS_SERVER) console.warn('skipping: redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)');
  return REDIS_SERVER !== null;
}

/**
 * A Redis for a test file: started before its tests (then `prepare` runs), stopped after them.
 * Where redis-server is not installed, `maybe` skips the tests, with a message, and nothing is prepared.
 */
export function redisPerFile(prepare: () => void = () => undefined): { maybe: jest.It; redis: () => LocalRedis } {
  const available = redisAvailable();
  let redis: LocalRedis | undefined;
  beforeAll(async () => {
    if (!available) return;
    redis = await startRedis();
    prepare();
  });
  afterAll(() => redis?.stop());
  return { maybe: available ? test : test.skip, redis: () => redis! };
}
