/** The adapters' error types live with the data port (src/data/errors.ts), so features can catch them without importing src/aws. */
export * from '../data/errors'
