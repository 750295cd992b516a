/** Shared helpers for the contextual-stage tests. */

export { seededRandom as seeded } from '../src/random';
