/**
 * Candidate sentences: the sentences of the retrieved chunks, each with its article, its words
 * (worked out once) and the evidence scoring fills in.
 */
import type { StoredArticle, StoredSentence } from '../index/db.js';
import type { LoadedIndex } from '../index/store.js';
import { DATELINE, type QuestionTerm, type Token, stem, tokenize, wordRoot } from '../text.js';
import type { Retrieval } from './retrieve.js';
import { statesIn } from './states.js';

export interface Candidate {
  readonly sentence: StoredSentence;
  readonly article: StoredArticle;
  readonly chunkScore: number;
  /**
   * The sentence's tokens and their stems, computed once: scoring reads them for the sentence and
   * its neighbours.
   */
  readonly tokens: Token[];
  readonly stems: string[];
  /** wordRoot of each stem, computed on first use. */
  roots?: string[];
  /** The states the sentence names (src/answer/states.ts), worked out on first use. */
  states?: Set<string>;
  /** The state check found it about other states than the question's (see aboutOtherStates). */
  otherStates?: boolean;
  lexical: number;
  /** Question stems that earned nothing from this sentence or its neighbours. */
  unmatched: string[];
  dense: number | null;
  /** The evidence, which ranks the candidates. */
  score: number;
  /**
   * The evidence without what the article's title lends (lexicalOwn): which neighbours join a
   * quote's window. The title lends the same to every sentence of its article.
   */
  ownScore: number;
  /** The word coverage without the title's words. */
  lexicalOwn: number;
  /**
   * The evidence judged against chance (chanceShrink): what the threshold compares and quotes
   * report.
   */
  confidence: number;
}

export function collectCandidates(index: LoadedIndex, retrieval: Retrieval): Candidate[] {
  const best = retrieval.chunks[0]?.score || 1;
  const bySentence = new Map<number, Candidate>();
  for (const r of retrieval.chunks) {
    for (const sentence of index.store.sentencesOf(
      r.article.row,
      r.chunk.firstSentence,
      r.chunk.lastSentence,
    )) {
      if (sentence.heading) continue;
      const prev = bySentence.get(sentence.id);
      const chunkScore = r.score / best;
      if (prev && prev.chunkScore >= chunkScore) continue;
      const tokens = prev?.tokens ?? sentenceTokens(r.article.text, sentence);
      const stems = prev?.stems ?? tokens.map((t) => stem(t.text));
      bySentence.set(sentence.id, {
        sentence,
        article: r.article,
        chunkScore,
        tokens,
        stems,
        lexical: 0,
        lexicalOwn: 0,
        unmatched: [],
        dense: null,
        score: 0,
        ownScore: 0,
        confidence: 0,
      });
    }
  }
  return [...bySentence.values()];
}

/**
 * Length of the dateline ("Moskau/Pjöngjang – ") a sentence opens with when it is its article's
 * first; else 0.
 */
export function datelineLength(articleText: string, sentenceStart: number): number {
  if (articleText.slice(0, sentenceStart).trim() !== '') return 0;
  return DATELINE.exec(articleText.slice(sentenceStart, sentenceStart + 200))?.[0].length ?? 0;
}

/**
 * A stored sentence's words; an article's first sentence without its dateline's, which would match
 * any question naming those places.
 */
export function sentenceTokens(
  text: string,
  sentence: Pick<StoredSentence, 'start' | 'end'>,
): Token[] {
  const tokens = tokenize(text.slice(sentence.start, sentence.end));
  const skip = datelineLength(text, sentence.start);
  return skip ? tokens.filter((t) => t.start >= skip) : tokens;
}

/**
 * A question typed all in lower case ("wie viele panzer hat russland verloren") says nothing about
 * which words are nouns and names; the articles do: a term is salient when a candidate sentence
 * writes it capitalized after its first word.
 */
export function salienceFromArticles(
  terms: readonly QuestionTerm[],
  candidates: readonly Candidate[],
): QuestionTerm[] {
  const capitalized = new Set<string>();
  for (const c of candidates) {
    const text = c.article.text;
    c.tokens.forEach((t, i) => {
      const first = text.charAt(c.sentence.start + t.start);
      if (i > 0 && first !== first.toLowerCase()) capitalized.add(c.stems[i] ?? '');
    });
  }
  return terms.map((t) => ({ ...t, salient: t.salient || capitalized.has(t.stem) }));
}

/** The sentence's word roots, worked out on first use. */
export function rootsOf(c: Candidate): string[] {
  c.roots ??= c.stems.map(wordRoot);
  return c.roots;
}

/** The states the sentence names, worked out on first use. */
export function statesOf(c: Candidate): Set<string> {
  c.states ??= statesIn(c.tokens);
  return c.states;
}
