// Test helpers for users of @gantry/logs (import from '@gantry/logs/testing' in tests only).
export { createMemoryLogChunkStore } from './memory-log-chunk-store.ts';
export { describeLogChunkStoreContract, type LogChunkStoreFixture } from './log-chunk-store-contract.ts';
export { parseSse, type ParsedSseEvent } from './sse-parser.ts';
