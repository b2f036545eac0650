import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real transformers.js, SQLite and HNSW in every file: give model loads and builds room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: files in parallel beyond that only slow each other down.
    maxWorkers: 2,
  },
});
