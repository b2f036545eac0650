/**
 * A tiny BERT-style feature-extraction model that transformers.js loads from a folder, offline.
 * Token vectors are deterministic pseudo-random unit vectors (seeded by the token string), so
 * mean pooling gives a bag-of-words embedding: good enough to test the real loading and retrieval
 * code path without the hub. The vocabulary is German Snowball stems of a corpus plus "##" suffix
 * pieces and single characters, so "Raketen" and "Rakete" share their first token.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { foldUmlauts, isStopword, stem, tokenize } from '../text.js';

export interface TinyModelOptions {
  /** Embedding dimension. 384 matches multilingual-e5-small. */
  dimensions?: number;
  /** Texts whose words form the vocabulary (usually the corpus). */
  texts: readonly string[];
  /**
   * Transformer layers on top of the embeddings (default 0: a pure bag of words). With layers the
   * model does the compute of a real encoder of that shape (12 layers, 384 wide, 12 heads, 1536
   * feed-forward = multilingual-e5-small) with small random weights: for measuring speed and
   * memory offline (`npm run bench -- --model DIR`), not for answer quality.
   */
  layers?: number;
  /** Attention heads per layer (default 12; must divide dimensions). */
  heads?: number;
  /** Feed-forward width (default 4 × dimensions). */
  intermediate?: number;
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const BASE_CHARS = 'abcdefghijklmnopqrstuvwxyzäöüß0123456789';

/** Build the vocabulary: specials, characters, stems of the texts' words, their suffixes. */
export function buildVocabulary(texts: readonly string[]): string[] {
  const pieces = new Set<string>();
  for (const ch of BASE_CHARS) {
    pieces.add(ch);
    pieces.add(`##${ch}`);
  }
  for (const text of texts) {
    for (const token of tokenize(text)) {
      const word = token.text;
      if (/^\p{N}/u.test(word)) {
        pieces.add(word.replace(/\D/g, '').slice(0, 12) || word);
        continue;
      }
      for (const ch of word) {
        pieces.add(ch);
        pieces.add(`##${ch}`);
      }
      const prefix = stemPrefix(word);
      pieces.add(prefix);
      if (prefix.length < word.length) pieces.add(`##${word.slice(prefix.length)}`);
    }
  }
  return [...SPECIAL, ...[...pieces].filter((p) => p.length > 0).sort()];
}

/**
 * The part of the lower-cased word its stem covers (Snowball folds umlauts, the vocabulary must
 * not).
 */
function stemPrefix(word: string): string {
  const s = stem(word);
  for (let n = Math.min(word.length, s.length + 2); n >= 2; n--) {
    if (foldUmlauts(word.slice(0, n)) === s) return word.slice(0, n);
  }
  return word;
}

/**
 * How much a piece contributes: content words fully, suffixes and stopwords a little, characters
 * barely.
 */
function weight(piece: string): number {
  if (SPECIAL.includes(piece)) return 0;
  const bare = piece.replace(/^##/, '');
  if (!/[\p{L}\p{N}]/u.test(bare)) return 0;
  if (piece.startsWith('##')) return bare.length <= 1 ? 0.05 : 0.2;
  if (bare.length === 1) return 0.05;
  if (isStopword(bare)) return 0.15;
  return 1;
}

function tokenVector(piece: string, dims: number): Float32Array {
  const out = new Float32Array(dims);
  let counter = 0;
  let filled = 0;
  while (filled < dims) {
    const block = createHash('sha256').update(`${piece}\u0000${counter++}`).digest();
    for (let i = 0; i + 1 < block.length && filled < dims; i += 2) {
      out[filled++] = (block.readUInt16LE(i) / 65535) * 2 - 1;
    }
  }
  let norm = 0;
  for (const v of out) norm += v * v;
  const scale = weight(piece) / Math.sqrt(norm || 1);
  for (let i = 0; i < dims; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}

/**
 * Write config.json, tokenizer files, embedding.json and onnx/model(_quantized).onnx into `dir`.
 */
export async function writeTinyModel(
  dir: string,
  options: TinyModelOptions,
): Promise<{ vocabulary: number; dimensions: number }> {
  const dims = options.dimensions ?? 384;
  const vocab = buildVocabulary(options.texts);
  const table = new Float32Array(vocab.length * dims);
  vocab.forEach((piece, i) => table.set(tokenVector(piece, dims), i * dims));
  const typeTable = new Float32Array(2 * dims); // zero type embeddings: token_type_ids is accepted, changes nothing

  await fs.mkdir(path.join(dir, 'onnx'), { recursive: true });
  const layers = options.layers ?? 0;
  const heads = options.heads ?? 12;
  if (layers > 0 && dims % heads !== 0)
    throw new Error(`dimensions (${dims}) must be a multiple of heads (${heads})`);
  const shape = { layers, heads, intermediate: options.intermediate ?? 4 * dims };
  const onnx = encodeModel(vocab.length, dims, table, typeTable, { ...shape, quantized: false });
  await fs.writeFile(path.join(dir, 'onnx', 'model.onnx'), onnx);
  // transformers.js loads model_quantized.onnx by default (dtype q8). With layers it is the int8
  // form hub models ship (weights int8, activations quantized on the fly), so it costs what theirs
  // do.
  await fs.writeFile(
    path.join(dir, 'onnx', 'model_quantized.onnx'),
    layers > 0
      ? encodeModel(vocab.length, dims, table, typeTable, { ...shape, quantized: true })
      : onnx,
  );
  await writeJson(path.join(dir, 'config.json'), {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dims,
    vocab_size: vocab.length,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    num_attention_heads: layers > 0 ? heads : 1,
    num_hidden_layers: layers,
  });
  await writeJson(path.join(dir, 'tokenizer_config.json'), {
    tokenizer_class: 'BertTokenizer',
    model_max_length: 512,
    do_lower_case: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  });
  await writeJson(path.join(dir, 'tokenizer.json'), tokenizerJson(vocab));
  // Prefix rules travel with the model; the tiny model uses E5's so tests run that code path.
  // Its vocabulary is the corpus's words: it knows no other language.
  await writeJson(path.join(dir, 'embedding.json'), {
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
    multilingual: false,
  });
  return { vocabulary: vocab.length, dimensions: dims };
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.writeFile(file, `${JSON.stringify(value, null, 1)}\n`);
}

function tokenizerJson(vocab: string[]) {
  const ids = Object.fromEntries(vocab.map((p, i) => [p, i]));
  const special = (content: string) => ({
    id: ids[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: { direction: 'Right', max_length: 512, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: false,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [ids['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [ids['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

// --- A minimal ONNX protobuf writer: just the messages and fields this graph needs. ---

class Proto {
  private parts: Buffer[] = [];
  private varint(n: number | bigint): void {
    let v = BigInt(n);
    const bytes: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      bytes.push(b);
    } while (v > 0n);
    this.parts.push(Buffer.from(bytes));
  }
  int(field: number, value: number | bigint): this {
    this.varint((field << 3) | 0);
    this.varint(value);
    return this;
  }
  bytes(field: number, value: Buffer | Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(value.length);
    this.parts.push(Buffer.from(value));
    return this;
  }
  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }
  message(field: number, value: Proto): this {
    return this.bytes(field, value.build());
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const FLOAT = 1;
const INT8 = 3;
const INT64 = 7;

function tensor(name: string, dims: number[], dataType: number, raw: Uint8Array): Proto {
  const t = new Proto();
  for (const d of dims) t.int(1, d);
  return t.int(2, dataType).string(8, name).bytes(9, raw);
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>): Proto {
  const shape = new Proto();
  for (const d of dims)
    shape.message(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().string(2, d));
  const tensorType = new Proto().int(1, elemType).message(2, shape);
  return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
}

function node(op: string, inputs: string[], outputs: string[], attrs: Proto[] = []): Proto {
  const n = new Proto();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, `${op}_${outputs[0]}`).string(4, op);
  for (const a of attrs) n.message(5, a);
  return n;
}

/** The `to: FLOAT` attribute of a Cast node (AttributeProto: name, type INT, i). */
function castToFloat(): Proto {
  return new Proto().string(1, 'to').int(20, 2).int(3, FLOAT);
}

interface EncoderShape {
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  /** Weight matrices as int8 with MatMulInteger (what dynamic quantization makes of a model). */
  readonly quantized: boolean;
}

function encodeModel(
  vocabSize: number,
  dims: number,
  table: Float32Array,
  typeTable: Float32Array,
  shape: EncoderShape,
): Buffer {
  const axes = new BigInt64Array([2n]);
  const graph = new Proto()
    .message(1, node('Gather', ['word_embeddings', 'input_ids'], ['tok']))
    .message(1, node('Gather', ['type_embeddings', 'token_type_ids'], ['typ']))
    .message(1, node('Add', ['tok', 'typ'], ['summed']))
    .message(1, node('Cast', ['attention_mask'], ['mask_f'], [castToFloat()]))
    .message(1, node('Unsqueeze', ['mask_f', 'unsqueeze_axes'], ['mask_3d']))
    .message(
      1,
      node('Mul', ['summed', 'mask_3d'], [shape.layers > 0 ? 'embedded' : 'last_hidden_state']),
    );
  if (shape.layers > 0) encoderLayers(graph, dims, shape);
  graph
    .string(2, 'belegbot-tiny')
    .message(5, tensor('word_embeddings', [vocabSize, dims], FLOAT, new Uint8Array(table.buffer)))
    .message(5, tensor('type_embeddings', [2, dims], FLOAT, new Uint8Array(typeTable.buffer)))
    .message(5, tensor('unsqueeze_axes', [1], INT64, new Uint8Array(axes.buffer)))
    .message(11, valueInfo('input_ids', INT64, ['batch', 'sequence']))
    .message(11, valueInfo('attention_mask', INT64, ['batch', 'sequence']))
    .message(11, valueInfo('token_type_ids', INT64, ['batch', 'sequence']))
    .message(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', dims]));
  return (
    new Proto()
      .int(1, 8) // ir_version
      .string(2, 'belegbot')
      .message(7, graph)
      // LayerNormalization needs opset 17; the bag-of-words graph keeps the opset it was measured
      // with.
      .message(8, new Proto().string(1, '').int(2, shape.layers > 0 ? 17 : 13))
      .build()
  );
}

/**
 * BERT encoder layers (self-attention with the padding masked out, feed-forward with GELU, each
 * with a residual connection and LayerNorm) over 'embedded', ending in 'last_hidden_state'.
 * Position embeddings are left out: they cost an addition, not compute worth measuring. Weights
 * are small (±0.035) pseudo-random numbers from a fixed seed, so the file is reproducible.
 */
function encoderLayers(
  graph: Proto,
  dims: number,
  { layers, heads, intermediate, quantized }: EncoderShape,
): void {
  const random = seededRandom(0x5eed);
  const weights = (name: string, shape: number[], fill?: number) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = fill ?? (random() * 2 - 1) * 0.035;
    graph.message(5, tensor(name, shape, FLOAT, new Uint8Array(data.buffer)));
  };
  const scalar = (name: string, value: number) =>
    graph.message(5, tensor(name, [], FLOAT, new Uint8Array(new Float32Array([value]).buffer)));
  const ints = (name: string, values: number[]) =>
    graph.message(
      5,
      tensor(
        name,
        [values.length],
        INT64,
        new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer),
      ),
    );
  const perm = (values: number[]) => {
    const a = new Proto().string(1, 'perm').int(20, 7);
    for (const v of values) a.int(8, v);
    return a;
  };
  const op = (type: string, inputs: string[], output: string, attrs: Proto[] = []) => {
    graph.message(1, node(type, inputs, [output], attrs));
    return output;
  };
  const layerNorm = (x: string, prefix: string) => {
    weights(`${prefix}_gamma`, [dims], 1);
    weights(`${prefix}_beta`, [dims], 0);
    return op('LayerNormalization', [x, `${prefix}_gamma`, `${prefix}_beta`], `${prefix}_out`);
  };
  const dense = (x: string, prefix: string, from: number, to: number) => {
    weights(`${prefix}_b`, [to], 0);
    if (!quantized) {
      weights(`${prefix}_w`, [from, to]);
      return op(
        'Add',
        [op('MatMul', [x, `${prefix}_w`], `${prefix}_mm`), `${prefix}_b`],
        `${prefix}_out`,
      );
    }
    // int8 weights; the input is quantized per call (uint8, its own scale and zero point).
    const w = new Int8Array(from * to);
    for (let i = 0; i < w.length; i++) w[i] = Math.round((random() * 2 - 1) * 127);
    graph.message(5, tensor(`${prefix}_wq`, [from, to], INT8, new Uint8Array(w.buffer)));
    graph.message(5, tensor(`${prefix}_wzp`, [], INT8, new Uint8Array(1)));
    scalar(`${prefix}_wscale`, 0.035 / 127);
    graph.message(
      1,
      node('DynamicQuantizeLinear', [x], [`${prefix}_xq`, `${prefix}_xscale`, `${prefix}_xzp`]),
    );
    const product = op(
      'MatMulInteger',
      [`${prefix}_xq`, `${prefix}_wq`, `${prefix}_xzp`, `${prefix}_wzp`],
      `${prefix}_mmi`,
    );
    const floats = op('Cast', [product], `${prefix}_mmf`, [castToFloat()]);
    const scale = op('Mul', [`${prefix}_xscale`, `${prefix}_wscale`], `${prefix}_scale`);
    return op('Add', [op('Mul', [floats, scale], `${prefix}_mm`), `${prefix}_b`], `${prefix}_out`);
  };
  const headDims = dims / heads;
  scalar('one', 1);
  scalar('half', 0.5);
  scalar('sqrt2', Math.SQRT2);
  scalar('mask_big', 10_000);
  scalar('attention_scale', 1 / Math.sqrt(headDims));
  ints('heads_shape', [0, 0, heads, headDims]);
  ints('hidden_shape', [0, 0, dims]);
  ints('mask_axes', [1, 2]);
  // Padding gets -10,000 before the softmax: [batch, 1, 1, sequence].
  const mask4 = op('Unsqueeze', ['mask_f', 'mask_axes'], 'mask_4d');
  const maskBias = op('Mul', [op('Sub', [mask4, 'one'], 'mask_off'), 'mask_big'], 'mask_bias');
  let x = layerNorm('embedded', 'emb_ln');
  for (let l = 0; l < layers; l++) {
    const p = `l${l}`;
    const split = (name: string, order: number[]) =>
      op(
        'Transpose',
        [
          op(
            'Reshape',
            [dense(x, `${p}_${name}`, dims, dims), 'heads_shape'],
            `${p}_${name}_heads`,
          ),
        ],
        `${p}_${name}_t`,
        [perm(order)],
      );
    const q = split('q', [0, 2, 1, 3]);
    const k = split('k', [0, 2, 3, 1]);
    const v = split('v', [0, 2, 1, 3]);
    const scores = op(
      'Add',
      [op('Mul', [op('MatMul', [q, k], `${p}_qk`), 'attention_scale'], `${p}_scaled`), maskBias],
      `${p}_scores`,
    );
    const probs = op('Softmax', [scores], `${p}_probs`, [
      new Proto().string(1, 'axis').int(20, 2).int(3, 3),
    ]);
    const context = op(
      'Reshape',
      [
        op('Transpose', [op('MatMul', [probs, v], `${p}_ctx`)], `${p}_ctx_t`, [perm([0, 2, 1, 3])]),
        'hidden_shape',
      ],
      `${p}_context`,
    );
    const attended = layerNorm(
      op('Add', [x, dense(context, `${p}_o`, dims, dims)], `${p}_res1`),
      `${p}_ln1`,
    );
    const up = dense(attended, `${p}_up`, dims, intermediate);
    const erf = op('Erf', [op('Div', [up, 'sqrt2'], `${p}_scaled_up`)], `${p}_erf`);
    const gelu = op(
      'Mul',
      [op('Mul', [up, op('Add', [erf, 'one'], `${p}_erf1`)], `${p}_gelu2`), 'half'],
      `${p}_gelu`,
    );
    x = layerNorm(
      op('Add', [attended, dense(gelu, `${p}_down`, intermediate, dims)], `${p}_res2`),
      `${p}_ln2`,
    );
  }
  op('Identity', [x], 'last_hidden_state');
}

/** mulberry32: a small deterministic generator in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
