/**
 * Loaded first by the start commands (`node --import ./src/preload.mjs --import tsx …`, see
 * package.json): imports @huggingface/transformers before tsx's loader is registered, so Node
 * loads the library's 1.3 MB bundle as it is. Imported after tsx, the bundle is rewritten, with a
 * source map, on every start: 1.1 s instead of 0.35 s (README, Benchmarks). The app's own import
 * then finds the module loaded (a lexical-only run, which never needs it, pays the 0.35 s). A
 * failure is left to the app, which reports it with a way out.
 */
await import('@huggingface/transformers').catch(() => undefined);
