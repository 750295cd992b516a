/** This ctxembed's version (package.json): pipeline steps cache by it, and the workers of a queued run must share it. */
export const VERSION: string = require('../package.json').version;
