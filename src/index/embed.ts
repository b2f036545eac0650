/**
 * embed: the only module that imports transformers.js. Feature extraction with mean pooling and
 * normalization; prefixes ("query: ", "passage: ") are part of the model's settings. The model is
 * loaded once, lazily, and memoised by the caller holding the Embedder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RetrievalMode } from '../config.js';
import { BelegError, ModelLoadError, errorMessage } from '../errors.js';

export interface Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  /**
   * The model maps questions and passages of different languages into one space (an English
   * question near the German sentence that answers it). The answerer then judges sentences of
   * another language by the embedding, not by shared words.
   */
  readonly multilingual: boolean;
  /** Embed passages (chunks, sentences) for the index. */
  embedPassages(texts: readonly string[]): Promise<number[][]>;
  /** Embed a question. */
  embedQuery(text: string): Promise<number[]>;
}

export interface ModelSettings {
  readonly queryPrefix: string;
  readonly passagePrefix: string;
  readonly multilingual: boolean;
}

export interface EmbedderOptions {
  /** Hub id ("Xenova/multilingual-e5-small") or an absolute model folder. */
  modelId: string;
  /** Where hub downloads are cached; default: transformers.js' cache. */
  cacheDir?: string | undefined;
  /** A mirror of the Hugging Face hub to download from; default: huggingface.co. */
  hubUrl?: string | undefined;
  /** 'q8' (default: quantized, ~4× smaller and faster on CPU) or 'fp32'. */
  dtype?: 'q8' | 'fp32';
  /** Texts per forward pass. 32 keeps padding waste low for chunk-sized texts. */
  batchSize?: number;
  /** Download progress of a hub model (first run only). */
  onProgress?: (event: { file: string; loaded: number; total: number }) => void;
}

// Prefix rules of known model families; a model folder may override them with embedding.json.
const KNOWN_PREFIXES: Array<[RegExp, Pick<ModelSettings, 'queryPrefix' | 'passagePrefix'>]> = [
  [/e5/i, { queryPrefix: 'query: ', passagePrefix: 'passage: ' }],
  [
    /bge-.*-(en|zh)/i,
    { queryPrefix: 'Represent this sentence for searching relevant passages: ', passagePrefix: '' },
  ],
];
// Model families trained to embed many languages into one space.
const MULTILINGUAL =
  /multilingual|bge-m3|labse|xlm-r|paraphrase-multilingual|distiluse-base-multilingual/i;

export function isLocalModel(modelId: string): boolean {
  return path.isAbsolute(modelId);
}

/**
 * Prefixes and language reach of a model: embedding.json in a local folder wins, then known
 * families by name (a local copy of multilingual-e5-small keeps the name in its folder path).
 */
export function modelSettings(modelId: string): ModelSettings {
  const multilingual = MULTILINGUAL.test(modelId);
  if (isLocalModel(modelId)) {
    const file = path.join(modelId, 'embedding.json');
    if (existsSync(file)) {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<ModelSettings>;
      return {
        queryPrefix: raw.queryPrefix ?? '',
        passagePrefix: raw.passagePrefix ?? '',
        multilingual: raw.multilingual ?? multilingual,
      };
    }
  }
  for (const [re, prefixes] of KNOWN_PREFIXES)
    if (re.test(modelId)) return { ...prefixes, multilingual };
  return { queryPrefix: '', passagePrefix: '', multilingual };
}

interface TensorLike {
  dims: number[];
  data: Float32Array | BigInt64Array | number[];
}

/** The parts of a transformers.js feature-extraction pipeline used here. */
interface Extractor {
  tokenizer: (
    texts: string[],
    options: { padding: boolean; truncation: boolean },
  ) => Record<string, TensorLike> & { attention_mask: TensorLike };
  model: (
    inputs: Record<string, TensorLike>,
  ) => Promise<{ last_hidden_state?: TensorLike; token_embeddings?: TensorLike }>;
}

/**
 * Mean pooling over the tokens the attention mask keeps, then L2 normalization: what the
 * pipeline's `pooling: 'mean', normalize: true` computes, but reading each token's row
 * contiguously and converting the int64 mask once (the library's loop converts a BigInt per
 * value and was 57 % of indexing time with the tiny model).
 */
export function meanPoolNormalize(hidden: TensorLike, mask: TensorLike): number[][] {
  const [batch = 0, seq = 0, dim = 0] = hidden.dims;
  const h = hidden.data as Float32Array;
  const keep = Uint8Array.from(mask.data as ArrayLike<number | bigint>, (v) =>
    Number(v) === 0 ? 0 : 1,
  );
  const out: number[][] = [];
  const sum = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    sum.fill(0);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (keep[b * seq + t] === 0) continue;
      count++;
      const row = (b * seq + t) * dim;
      // Indexes are in range by construction; `!` avoids a per-value check in the hot loop.
      for (let k = 0; k < dim; k++) sum[k]! += h[row + k]!;
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += sum[k]! * sum[k]!;
    // Dividing by the token count cancels in the normalization; only the direction matters.
    const scale = norm > 0 && count > 0 ? 1 / Math.sqrt(norm) : 0;
    const vector = new Array<number>(dim);
    for (let k = 0; k < dim; k++) vector[k] = sum[k]! * scale;
    out.push(vector);
  }
  return out;
}

/** Load the model (once) and return an Embedder. Throws ModelLoadError with what to do next. */
export async function createTransformersEmbedder(options: EmbedderOptions): Promise<Embedder> {
  const { modelId } = options;
  const local = isLocalModel(modelId);
  if (local && !existsSync(path.join(modelId, 'config.json'))) {
    throw new ModelLoadError(
      `Could not load embedding model "${modelId}": the folder does not exist or has no config.json. ` +
        'Point EMBEDDING_MODEL at a folder with config.json, tokenizer.json and onnx/model.onnx ' +
        '(npm run make-tiny-model -- --out DIR makes a small offline one), use a hub id, or set RETRIEVAL_MODE=lexical.',
    );
  }
  const transformers = await import('@huggingface/transformers');
  const { env, pipeline } = transformers;
  env.allowLocalModels = true;
  env.allowRemoteModels = !local;
  if (local) env.localModelPath = '';
  if (options.cacheDir) env.cacheDir = options.cacheDir;
  // Set on every load: transformers.js' env is global, and the last load's mirror must not stick.
  const hub = options.hubUrl ?? 'https://huggingface.co/';
  env.remoteHost = hub.endsWith('/') ? hub : `${hub}/`;

  let extractor: Extractor;
  try {
    extractor = await pipeline('feature-extraction', modelId, {
      dtype: options.dtype ?? 'q8',
      progress_callback: (event: {
        status: string;
        file?: string;
        loaded?: number;
        total?: number;
      }) => {
        if (!local && event.status === 'progress' && event.file)
          options.onProgress?.({
            file: event.file,
            loaded: event.loaded ?? 0,
            total: event.total ?? 0,
          });
      },
    });
  } catch (error) {
    throw describeLoadFailure(modelId, local, error);
  }

  const settings = modelSettings(modelId);
  const batchSize = options.batchSize ?? 32;
  let dimensions = 0;

  const run = async (texts: string[]): Promise<number[][]> => {
    // Sort by length so each batch pads to similar lengths; restore the order afterwards.
    const order = texts
      .map((_, i) => i)
      .sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
    const out = new Array<number[]>(texts.length);
    for (let i = 0; i < order.length; i += batchSize) {
      const ids = order.slice(i, i + batchSize);
      const inputs = extractor.tokenizer(
        ids.map((k) => texts[k] ?? ''),
        { padding: true, truncation: true },
      );
      const outputs = await extractor.model(inputs);
      const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
      if (!hidden)
        throw new ModelLoadError(
          `Embedding model "${modelId}" has no last_hidden_state output; it is not a feature-extraction model.`,
        );
      meanPoolNormalize(hidden, inputs.attention_mask).forEach((vector, j) => {
        out[ids[j] ?? 0] = vector;
      });
    }
    for (const v of out) validateVector(v, dimensions || (v?.length ?? 0), modelId);
    return out;
  };

  const probe = await run(['dimension probe']);
  dimensions = probe[0]?.length ?? 0;
  if (dimensions === 0)
    throw new ModelLoadError(
      `Embedding model "${modelId}" returned an empty vector; it is not a feature-extraction model.`,
    );

  return {
    modelId,
    dimensions,
    multilingual: settings.multilingual,
    embedPassages: (texts) => run(texts.map((t) => settings.passagePrefix + t)),
    embedQuery: async (text) => (await run([settings.queryPrefix + text]))[0] ?? [],
  };
}

/** HNSW aborts the whole process on a NaN, so every vector is checked before it gets there. */
export function validateVector(
  vector: readonly number[] | undefined,
  dimensions: number,
  modelId: string,
): void {
  if (!vector || vector.length !== dimensions) {
    throw new BelegError(
      'EMBEDDING_INVALID',
      `Embedding model "${modelId}" returned a vector of length ${vector?.length ?? 0}, expected ${dimensions}.`,
    );
  }
  for (const v of vector) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new BelegError(
        'EMBEDDING_INVALID',
        `Embedding model "${modelId}" returned a non-finite value (${String(v)}); the model files may be damaged.`,
      );
    }
  }
}

function describeLoadFailure(modelId: string, local: boolean, error: unknown): ModelLoadError {
  const reason = errorMessage(error);
  const unreachable =
    /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network|getaddrinfo/i.test(
      reason + errorMessage((error as { cause?: unknown })?.cause ?? ''),
    );
  const offlineMissing = /local_files_only|allowRemoteModels|Could not locate file/i.test(reason);
  const what = local
    ? `the model folder could not be read (${reason})`
    : unreachable
      ? `the Hugging Face hub is unreachable (${reason}) and the model is not in the local cache`
      : offlineMissing
        ? `the model files are not in the local cache and could not be downloaded (${reason})`
        : reason;
  return new ModelLoadError(
    `Could not load embedding model "${modelId}": ${what}. ` +
      'To proceed: connect to the network once so the model can be downloaded and cached, ' +
      'or set EMBEDDING_MODEL to a local model folder, or set RETRIEVAL_MODE=lexical to run without a model.',
    { cause: error },
  );
}

/**
 * The embedder a retrieval mode needs: none for lexical; otherwise the model, or, when it cannot
 * be loaded and the mode was not set explicitly (the default hybrid), none and lexical mode, with
 * `missing` called once so the caller can say so loudly. An explicitly set mode that needs the
 * model gets the load error.
 */
export async function embedderForMode(
  options: {
    mode: RetrievalMode;
    modeSet: boolean;
    modelId: string;
    cacheDir?: string | undefined;
    hubUrl?: string | undefined;
    /** A hub model's first download, file by file (nothing for a cached or local model). */
    onProgress?: (event: { file: string; loaded: number; total: number }) => void;
  },
  report: {
    loaded?: (embedder: Embedder, ms: number) => void;
    missing: (model: string, reason: string) => void;
  },
): Promise<{ embedder: Embedder | null; mode: RetrievalMode; missingModel: string | null }> {
  if (options.mode === 'lexical') return { embedder: null, mode: 'lexical', missingModel: null };
  const t = performance.now();
  try {
    const embedder = await createTransformersEmbedder({
      modelId: options.modelId,
      cacheDir: options.cacheDir,
      hubUrl: options.hubUrl,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    report.loaded?.(embedder, Math.round(performance.now() - t));
    return { embedder, mode: options.mode, missingModel: null };
  } catch (error) {
    if (options.modeSet) throw error;
    report.missing(options.modelId, errorMessage(error));
    return { embedder: null, mode: 'lexical', missingModel: options.modelId };
  }
}

/** The one loud line a start without the model logs: which model, why, and the ways out. */
export function modelMissingWarning(model: string, reason: string): string {
  return (
    `Embedding model "${model}" could not be loaded (${shortReason(reason)}). The bot runs WITHOUT the model: keyword search only, ` +
    'no cross-lingual answers; new articles are indexed by their words and get vectors once the model loads. Fix: give the machine access to huggingface.co once (the model is cached), ' +
    'or set EMBEDDING_MODEL to a local model folder. RETRIEVAL_MODE=lexical silences this, RETRIEVAL_MODE=hybrid makes it an error.'
  );
}

/**
 * The reason of a load failure without what every such message repeats (the model's name, the
 * ways out): its first sentence, at most 200 characters.
 */
export function shortReason(reason: string): string {
  const bare = reason.replace(/^Could not load embedding model "[^"]*": /u, '');
  const first = bare.split(/(?<=\.)\s/u)[0] ?? bare;
  return (first.length > 200 ? `${first.slice(0, 197)}…` : first).replace(/\.$/u, '');
}

export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number;
}

/** A model download's progress passed on at most every `everyMs` per file, and when a file is done. */
export function throttledProgress(
  report: (e: DownloadProgress) => void,
  everyMs: number,
): (e: DownloadProgress) => void {
  const last = new Map<string, number>();
  return (e) => {
    const now = Date.now();
    const done = e.total > 0 && e.loaded >= e.total;
    if (done ? last.get(e.file) === -1 : now - (last.get(e.file) ?? 0) < everyMs) return;
    last.set(e.file, done ? -1 : now);
    report(e);
  };
}
