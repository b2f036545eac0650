/**
 * answer: retrieved chunks → scored sentences → verbatim quotes with numbered sources, or an
 * abstention. A quote is always `article.text.slice(start, end)` over whole stored sentences;
 * nothing here writes text of its own into a quote.
 */
import type { StoredArticle, StoredSentence } from '../index/db.js';
import type { RetrievalMode } from '../config.js';
import type { Embedder } from '../index/embed.js';
import { InputError } from '../errors.js';
import type { Retrieval, Retriever } from './retrieve.js';
import { stateOfStem, statesAskedAbout, statesIn } from './states.js';
import type { Synonyms } from './synonyms.js';
import type { LoadedIndex } from '../index/store.js';
import {
  DATELINE,
  type QuestionTerm,
  type Token,
  questionTerms,
  stem,
  titleStems,
  tokenize,
  wordRoot,
} from '../text.js';
import { type AnswerType, expectedAnswer, typeEvidence } from './answerTypes.js';
import { figuresIn } from './figures.js';
import { blank, timeScope, todayScope } from './timeScope.js';

export interface Quote {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly article: StoredArticle;
  /** 1-based number of the source this quote cites. */
  readonly sourceNumber: number;
}

export interface Answer {
  readonly question: string;
  readonly found: boolean;
  readonly quotes: Quote[];
  /** Cited articles in citation order: quotes[i].sourceNumber indexes this list (1-based). */
  readonly sources: StoredArticle[];
  /**
   * The next best quotes after the shown ones, for "Weitere Zitate": sentences that came near
   * (settings.nearScore) but were not shown, never overlapping a shown quote. Weaker evidence than
   * the answer's, shown only when a reader asks. Their sourceNumber indexes `moreSources`.
   */
  readonly more: Quote[];
  readonly moreSources: StoredArticle[];
  /**
   * When the answer abstains but the best sentence came near (settings.nearScore): the articles
   * of the best-scored sentences, best first, so a reader can look for themselves. Never quoted:
   * a sentence below the threshold is not presented as the answer.
   */
  readonly nearest: StoredArticle[];
  /** Best sentence score; compared with the abstention threshold. */
  readonly confidence: number;
  /** 'de' or 'en': the language replies to this question are written in. */
  readonly language: 'de' | 'en';
  /**
   * The best sentence is about other states than the question asks about (the state check's
   * penalty applied to it and it still ranks first): with settings.abstainOnOtherStates the
   * answer abstains whatever its score.
   */
  readonly otherStates: boolean;
  /** With settings.explain: the best-scored sentences and their evidence, for tuning. */
  readonly ranking?: RankedSentence[];
  /** With settings.explain: the question's terms, how many chunks hold each, and their weights. */
  readonly terms?: Array<{
    readonly stem: string;
    readonly salient: boolean;
    readonly df: number;
    readonly weight: number;
  }>;
  /** The dates the question asks about (src/answer/timeScope.ts), when it names any. */
  readonly time?: {
    readonly from: string | null;
    readonly to: string | null;
    readonly kind: 'restrict' | 'prefer' | null;
    readonly recent: boolean;
  };
  /**
   * An abstention because no article is dated in the question's window; the newest article date, if
   * any.
   */
  readonly noArticlesInWindow?: { readonly newest: string | null };
  /**
   * The quotes give different numbers for the same counted thing in articles of different dates
   * ("4.313 Panzer" on 13.09.2023, "4.350 Panzer" on 20.09.2023): those two are the first
   * quotes, newest first, each shown with its date ("Stand: …").
   */
  readonly figuresDiffer?: boolean;
  /**
   * "Was ist seit gestern passiert?": the quotes are the lead sentences of the newest articles of
   * the window.
   */
  readonly digest?: boolean;
}

export interface RankedSentence {
  readonly text: string;
  readonly file: string;
  readonly lexical: number;
  readonly dense: number | null;
  readonly chunk: number;
  /** The evidence (ranks), and the same judged against chance (compared with the threshold). */
  readonly score: number;
  readonly confidence: number;
  /** Question stems this sentence does not match in any way (neighbours included). */
  readonly unmatched: string[];
}

export interface AnswerSettings {
  /** Chunks whose sentences are scored. */
  readonly topChunks: number;
  /** Below this best-sentence score the answer abstains. Calibrated with `npm run eval`. */
  readonly minScore: number;
  /**
   * An abstention whose best sentence scores at least this names the nearest articles
   * (Answer.nearest). Off-topic questions score below it ("Wie viele Einwohner hat München?" 0.21).
   */
  readonly nearScore: number;
  /** Extra quotes from other articles must reach this share of the best score. */
  readonly extraQuoteRatio: number;
  /** A further quote from an article already quoted must reach this share of the best score. */
  readonly sameArticleRatio: number;
  /**
   * A neighbouring sentence (same paragraph) scoring at least this share of the quoted one's
   * score joins the quote: the evidence spreads over both, and the answer is often the one next
   * to the sentence that matches the question's words. At most `windowChars` characters.
   */
  readonly windowRatio: number;
  readonly windowChars: number;
  /** Most quotes in one answer. */
  readonly maxQuotes: number;
  /** Most further quotes kept for "Weitere Zitate" (Answer.more). */
  readonly moreQuotes: number;
  /**
   * Added to the ranking score of a sentence whose article has the date the question prefers
   * (dated in "im September 2023"; the newest for "zuletzt", scaled by its freshness): it decides
   * between sentences of about equal evidence, never the confidence.
   */
  readonly datePreference: number;
  /** Longest question accepted, in characters. */
  readonly maxQuestionChars: number;
  /**
   * Count parts of words: the same rough root (gefeiert ~ feiern, liefert ~ Lieferung) and German
   * compounds (Raketen ⊂ Kurzstreckenraketen, Satellitenstarts ⊃ Satelliten).
   */
  readonly subwordMatch: boolean;
  /**
   * Read the states a question and a sentence name (src/answer/states.ts): another name of the same
   * state counts as the word (Peking ~ China), and a sentence about other states than the one
   * asked about loses coverage (asked about the Ukraine, it speaks of Russia).
   */
  readonly stateCheck: boolean;
  /**
   * Abstain when the best sentence, after the state check's penalty, is still one about other
   * states than the question's ("Wie viele Panzer hat *China* verloren?" → Russia's losses): the
   * articles answer about another country, not about the one asked. (With or without this, an
   * extra quote is never such a sentence.) Needs stateCheck.
   */
  readonly abstainOnOtherStates: boolean;
  /**
   * Weights of a sentence's evidence: question terms it covers, cosine to the question, its chunk's
   * retrieval score.
   */
  readonly weights: Weights;
  /**
   * The weights for a sentence in another language than the question, with a multilingual model:
   * shared words are rare across languages (names at most), so the embedding carries the decision.
   */
  readonly crossLingualWeights: Weights;
  /**
   * Judge the confidence against chance: as if every question had this many more rare words that
   * nothing matches (chanceShrink; default 1, 0: the evidence itself). Short questions and large
   * archives need more evidence for the same confidence. Calibrated with the threshold.
   */
  readonly chancePrior: number;
  /** Attach the ranking of candidate sentences to each answer (`npm run ask -- --explain`). */
  readonly explain: boolean;
}

export interface Weights {
  readonly lexical: number;
  readonly dense: number;
  readonly chunk: number;
}

export const DEFAULT_ANSWER: AnswerSettings = {
  topChunks: 6,
  minScore: 0.38,
  nearScore: 0.24,
  extraQuoteRatio: 0.75,
  sameArticleRatio: 0.5,
  windowRatio: 0.5,
  windowChars: 500,
  maxQuotes: 3,
  moreQuotes: 3,
  datePreference: 0.05,
  maxQuestionChars: 1000,
  subwordMatch: true,
  stateCheck: true,
  abstainOnOtherStates: true,
  weights: { lexical: 0.75, dense: 0.1, chunk: 0.15 },
  crossLingualWeights: { lexical: 0.15, dense: 0.7, chunk: 0.15 },
  chancePrior: 1,
  explain: false,
};

/**
 * The built-in abstention threshold by retrieval mode (DEFAULT_ANSWER.minScore is the hybrid
 * one). Each is the highest that keeps false abstentions within 10 % on GermanQuAD with the
 * archive (docs/quality.md, stop 16): keyword search alone scores differently from the mix with
 * an embedding. `npm run calibrate` replaces it per model and mode.
 */
export const DEFAULT_MIN_SCORE: Readonly<Record<RetrievalMode, number>> = {
  hybrid: 0.38,
  dense: 0.38,
  lexical: 0.4,
};

export interface Answerer {
  answer(question: string): Promise<Answer>;
}

interface Candidate {
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

export function createAnswerer(options: {
  retriever: Retriever;
  index: LoadedIndex;
  embedder: Embedder | null;
  synonyms?: Synonyms | null;
  settings?: Partial<AnswerSettings>;
  clock?: () => Date;
}): Answerer {
  const settings = {
    ...DEFAULT_ANSWER,
    minScore: DEFAULT_MIN_SCORE[options.retriever.mode],
    ...options.settings,
  };
  const clock = options.clock ?? (() => new Date());
  const { index, retriever } = options;
  const synonyms = options.synonyms ?? null;
  const embedder = retriever.mode === 'lexical' ? null : options.embedder;
  const totalChunks = Math.max(1, index.store.chunkCount());
  const sentenceVectors = new Map<number, ArrayLike<number>>();

  // The index stores a vector per sentence text (built since stop 10); the model embeds only what
  // it lacks (an older index, or a sentence the build skipped), and those are kept here.
  const embedSentences = async (cands: Candidate[]): Promise<void> => {
    if (!embedder) return;
    if (sentenceVectors.size > 20_000) sentenceVectors.clear();
    let missing = cands.filter((c) => !sentenceVectors.has(c.sentence.id));
    if (missing.length === 0) return;
    for (const [id, vector] of index.store.sentenceVectors(missing.map((c) => c.sentence.id)))
      sentenceVectors.set(id, vector);
    missing = missing.filter((c) => !sentenceVectors.has(c.sentence.id));
    if (missing.length === 0) return;
    const vectors = await embedder.embedPassages(
      missing.map((c) => c.article.text.slice(c.sentence.start, c.sentence.end)),
    );
    missing.forEach((c, i) => sentenceVectors.set(c.sentence.id, vectors[i] ?? []));
  };

  return {
    async answer(rawQuestion) {
      const question = validateQuestion(rawQuestion, settings.maxQuestionChars);
      const language = questionLanguage(question);
      const now = clock();
      let scope = timeScope(question, now);
      let words = blank(question, scope?.spans ?? []);
      // "Was ist heute passiert?": today; "Wie heißt die Stadt heute?": nowadays, a word of the
      // question.
      const today = todayScope(words, now);
      if (today && isDigest(blank(words, today.spans))) {
        scope = {
          ...today,
          recent: scope?.recent ?? false,
          spans: [...(scope?.spans ?? []), ...today.spans],
        };
        words = blank(question, scope.spans);
      }
      const time = scope
        ? { from: scope.from, to: scope.to, kind: scope.kind, recent: scope.recent }
        : undefined;
      const abstain = (extra: Partial<Answer> = {}): Answer => ({
        question,
        found: false,
        quotes: [],
        sources: [],
        more: [],
        moreSources: [],
        nearest: [],
        confidence: 0,
        language,
        otherStates: false,
        ...(time ? { time } : {}),
        ...extra,
      });
      const dated = scope?.kind ? index.store.articleRowsDated(scope.from, scope.to) : null;
      if (scope?.kind === 'restrict' && dated?.length === 0)
        return abstain({ noArticlesInWindow: { newest: index.store.newestDate() } });
      // "Was ist seit gestern passiert?", "Was gibt es Neues?": the lead sentences of the newest
      // articles (of the window). A calendar window without dated articles is answered as any
      // question ("Was geschah 1945?" may be in an undated article's text).
      if (
        isDigest(words) &&
        (scope || /(?<![\p{L}])(?:neu|neues|neuigkeiten|news|new)(?![\p{L}])/iu.test(words))
      ) {
        const rows = dated ?? index.store.articleRowsDated(null, null);
        if (rows.length > 0)
          return digestAnswer(index, question, language, rows.slice(0, settings.maxQuotes), time);
        if (!scope?.kind) return abstain({ noArticlesInWindow: { newest: null } });
      }
      if (!words.trim() || !/[\p{L}\p{N}]/u.test(words)) words = question;
      const retrieval = await retriever.retrieve(
        words,
        settings.topChunks,
        scope?.kind === 'restrict' ? (dated ?? undefined) : undefined,
      );
      const candidates = collectCandidates(index, retrieval);
      const terms = /\p{Lu}/u.test(question)
        ? retrieval.terms
        : salienceFromArticles(retrieval.terms, candidates);
      const weights = termWeights(retrieval.documentFrequencies, terms, totalChunks);
      const expects = expectedAnswer(question);
      const byId = new Map(candidates.map((c) => [c.sentence.id, c]));
      const neighbours = (c: Candidate) =>
        [byId.get(c.sentence.id - 1), byId.get(c.sentence.id + 1)].filter(
          (n): n is Candidate =>
            n !== undefined &&
            n.sentence.paragraph === c.sentence.paragraph &&
            n.article.row === c.article.row,
        );
      const forms = termForms(terms, synonyms, retrieval.parts, settings.stateCheck);
      // The words of a calendar date the question names ("13. September") are matched by an
      // article dated that day: its date is part of what it says.
      const dateStems =
        scope?.kind === 'prefer'
          ? new Set(
              scope.dates.flatMap(([a, b]) =>
                tokenize(question.slice(a, b)).map((t) => stem(t.text)),
              ),
            )
          : null;
      const inWindow = scope?.kind === 'prefer' && dated?.length ? new Set(dated) : null;
      const titles = new Map<number, Set<string>>();
      const titleOf = (a: StoredArticle) => {
        let t = titles.get(a.row);
        if (!t) titles.set(a.row, (t = new Set(titleStems(a.meta.title))));
        return t;
      };
      for (const c of candidates) {
        const datedHere = dateStems && inWindow?.has(c.article.row) ? dateStems : null;
        // The article's title names what all its sentences are about ("Palermo" for "Derzeitiger
        // Bürgermeister ist Leoluca Orlando"): its words count like a neighbour's.
        const { coverage, own } = lexicalCoverage(
          terms,
          weights,
          forms,
          c,
          settings,
          expects,
          neighbours(c).flatMap((n) => n.stems),
          datedHere,
          titleOf(c.article),
        );
        c.lexical = coverage;
        c.lexicalOwn = own;
      }
      const asked = settings.stateCheck ? statesAskedAbout(tokenize(question)) : new Set<string>();
      if (asked.size > 0) {
        const around = statesAround(index, candidates, byId);
        for (const c of candidates) {
          if (!aboutOtherStates(asked, c, () => around(c))) continue;
          c.lexical *= 1 - STATE_PENALTY;
          c.lexicalOwn *= 1 - STATE_PENALTY;
          c.otherStates = true;
        }
      }
      if (embedder && retrieval.queryVector) {
        await embedSentences(candidates);
        for (const c of candidates)
          c.dense = cosine(retrieval.queryVector, sentenceVectors.get(c.sentence.id) ?? []);
        relativeDense(candidates);
      }
      const crossLingual = (c: Candidate) =>
        embedder?.multilingual === true &&
        c.article.meta.lang !== undefined &&
        c.article.meta.lang !== language;
      // Ranked by the evidence; judged (the threshold, the reported scores) by the evidence
      // against what chance covers for a question of this much weight (chanceShrink).
      const shrink = chanceShrink(terms, weights, totalChunks, settings.chancePrior);
      // Dates the question prefers rank first among equals: an article dated in its window
      // ("im September 2023"), or the newest ("zuletzt"). Only the ranking; not the confidence.
      const preferred = inWindow;
      const freshness = scope?.recent ? freshnessOf(candidates.map((c) => c.article)) : null;
      for (const c of candidates) {
        const w = crossLingual(c) ? settings.crossLingualWeights : settings.weights;
        c.score = combine(c, w);
        c.ownScore = combine({ ...c, lexical: c.lexicalOwn }, w);
        c.confidence = combine(c, w, shrink);
        if (preferred?.has(c.article.row)) c.score += settings.datePreference;
        if (freshness) c.score += settings.datePreference * (freshness.get(c.article.row) ?? 0);
      }
      candidates.sort((a, b) => b.score - a.score || a.sentence.id - b.sentence.id);
      const best = candidates[0];
      const otherStates = best?.otherStates === true;
      const offTopic = (c: Candidate) => settings.abstainOnOtherStates && c.otherStates === true;
      const ranking = settings.explain
        ? {
            ranking: candidates.slice(0, 8).map(ranked),
            terms: terms.map((t) => ({
              ...t,
              df: retrieval.documentFrequencies.get(t.stem) ?? 0,
              weight: round(weights.get(t.stem) ?? 0),
            })),
          }
        : {};
      // The best sentence (widened to its window), then those close to it: from other articles
      // (more voices) and from its own article (the answer is often the runner-up of the article
      // found, docs/quality.md), never overlapping or touching a quote already picked.
      const leaders = (floor: number): Array<{ c: Candidate; range: [number, number] }> => {
        const picked: Array<{ c: Candidate; range: [number, number] }> = [];
        const top = best?.score ?? 0;
        for (const c of candidates) {
          if (picked.length >= settings.maxQuotes) break;
          if (c.score < top * Math.min(settings.extraQuoteRatio, settings.sameArticleRatio)) break;
          if (c.confidence < floor) continue;
          if (picked.length > 0 && c.otherStates) continue;
          const sameArticle = picked.filter((p) => p.c.article.row === c.article.row);
          if (sameArticle.length > 0 && c.score < top * settings.sameArticleRatio) continue;
          if (
            sameArticle.length === 0 &&
            picked.length > 0 &&
            c.score < top * settings.extraQuoteRatio
          )
            continue;
          const range = quoteRange(index, c, byId, settings);
          if (sameArticle.some((p) => range[0] <= p.range[1] + 1 && p.range[0] <= range[1] + 1))
            continue;
          picked.push({ c, range });
        }
        return picked;
      };
      if (!best || best.confidence < settings.minScore || offTopic(best)) {
        const nearest =
          best && best.confidence >= settings.nearScore
            ? nearestArticles(candidates, settings)
            : [];
        const noneDated =
          scope?.kind === 'prefer' && dated?.length === 0
            ? { noArticlesInWindow: { newest: index.store.newestDate() } }
            : {};
        return {
          ...abstain(noneDated),
          nearest,
          confidence: round(best?.confidence ?? 0),
          otherStates,
          ...ranking,
        };
      }
      let picked = leaders(settings.minScore);
      // The same counted thing with another number in an article of another date: both, newest
      // first.
      const changed = changedFigures(picked, candidates, terms, settings, (c) =>
        quoteRange(index, c, byId, settings),
      );
      if (changed) picked = changed;
      // Further quotes, shown only when asked for ("Weitere Zitate"): the next sentences that
      // came near (nearScore), in rank order, none touching a quote already taken from its article.
      const further: typeof picked = [];
      for (const c of candidates) {
        if (further.length >= settings.moreQuotes) break;
        if (c.confidence < settings.nearScore) continue;
        if (c.otherStates || picked.some((p) => p.c === c)) continue;
        const taken = [...picked, ...further].filter((p) => p.c.article.row === c.article.row);
        if (taken.some((p) => c.sentence.start <= p.range[1] && p.range[0] <= c.sentence.end))
          continue;
        const range = quoteRange(index, c, byId, settings);
        if (taken.some((p) => range[0] <= p.range[1] + 1 && p.range[0] <= range[1] + 1)) continue;
        further.push({ c, range });
      }
      const { quotes, sources } = numbered(picked);
      const { quotes: more, sources: moreSources } = numbered(further);
      return {
        question,
        found: true,
        quotes,
        sources,
        more,
        moreSources,
        nearest: [],
        confidence: round(best.confidence),
        language,
        otherStates,
        ...(time ? { time } : {}),
        ...(changed ? { figuresDiffer: true } : {}),
        ...ranking,
      };
    },
  };
}

/**
 * The articles an abstention names (Answer.nearest): those of the best sentences that came near
 * (nearScore) and close to the best (extraQuoteRatio), distinct, best first, up to maxQuotes.
 * Only articles are named, so no quote windows are worked out, and a second sentence of an
 * article already named takes no place.
 */
function nearestArticles(
  candidates: readonly Candidate[],
  settings: AnswerSettings,
): StoredArticle[] {
  const top = candidates[0]?.score ?? 0;
  const out: StoredArticle[] = [];
  for (const c of candidates) {
    if (out.length >= settings.maxQuotes || c.score < top * settings.extraQuoteRatio) break;
    if (c.confidence < settings.nearScore || (out.length > 0 && c.otherStates)) continue;
    if (!out.some((a) => a.row === c.article.row)) out.push(c.article);
  }
  return out;
}

/** Picked sentences as quotes, each citing its article's number in the returned sources. */
function numbered(picked: ReadonlyArray<{ c: Candidate; range: [number, number] }>): {
  quotes: Quote[];
  sources: StoredArticle[];
} {
  return citedQuotes(
    picked.map(({ c, range: [start, end] }) => ({
      article: c.article,
      start,
      end,
      score: round(c.confidence),
    })),
  );
}

/**
 * Slices of articles as quotes, each citing its article's number in the returned sources (first
 * cited, first numbered): how every answer numbers its sources, also one built from stored
 * quotes ("Weitere Zitate").
 */
export function citedQuotes(
  slices: ReadonlyArray<{ article: StoredArticle; start: number; end: number; score: number }>,
): { quotes: Quote[]; sources: StoredArticle[] } {
  const sources: StoredArticle[] = [];
  const quotes = slices.map(({ article, start, end, score }) => {
    let n = sources.findIndex((s) => s.row === article.row);
    if (n < 0) n = sources.push(article) - 1;
    return {
      text: article.text.slice(start, end),
      start,
      end,
      score,
      article,
      sourceNumber: n + 1,
    };
  });
  return { quotes, sources };
}

/**
 * Words of a question asking what happened, not about anything in particular ("Was ist passiert?",
 * "What is new?").
 */
const EVENT_WORDS = new Set([
  'passi',
  'passiert',
  'gescheh',
  'geschah',
  'geschieht',
  'los',
  'neu',
  'neues',
  'neuigkeit',
  'nachricht',
  'meldung',
  'berichtet',
  'happen',
  'happened',
  'new',
  'news',
  'going',
]);

/**
 * The question has no words of its own beyond "what happened" (after its time expressions are left
 * out).
 */
function isDigest(words: string): boolean {
  const terms = questionTerms(words);
  return terms.every((t) => EVENT_WORDS.has(t.stem) || EVENT_WORDS.has(t.stem.replace(/e?s$/, '')));
}

/** The lead sentence of each of these articles (newest first), as the quotes of an answer. */
function digestAnswer(
  index: LoadedIndex,
  question: string,
  language: 'de' | 'en',
  rows: readonly number[],
  time: Answer['time'],
): Answer {
  const { quotes, sources } = citedQuotes(
    rows.flatMap((row) => {
      const article = index.store.article(row);
      const lead = article && index.store.leadSentences(row, 1)[0];
      return article && lead ? [{ article, start: lead.start, end: lead.end, score: 1 }] : [];
    }),
  );
  return {
    question,
    found: quotes.length > 0,
    quotes,
    sources,
    more: [],
    moreSources: [],
    nearest: [],
    confidence: quotes.length ? 1 : 0,
    language,
    otherStates: false,
    digest: true,
    ...(time ? { time } : {}),
  };
}

/**
 * Each article's freshness among these: 1 for the newest date, halved every 30 days older; undated
 * 0.
 */
function freshnessOf(articles: readonly StoredArticle[]): Map<number, number> {
  const days = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const dates = articles.filter((a) => a.meta.date).map((a) => days(a.meta.date ?? ''));
  const newest = Math.max(...dates);
  return new Map(
    articles.map((a) => [a.row, a.meta.date ? 0.5 ** ((newest - days(a.meta.date)) / 30) : 0]),
  );
}

type Picked = { c: Candidate; range: [number, number] };

/**
 * When a picked quote gives a figure for a thing the question names ("Wie viele Panzer …" →
 * "4.313 Panzer") and another dated article of another date gives a different number for it in
 * a sentence that answers the question too (clears the threshold, not about other states, misses
 * the same of the question's names and nouns), both are shown, the pair newest first, then the
 * other quotes. Null when there is no such pair.
 */
function changedFigures(
  picked: readonly Picked[],
  candidates: readonly Candidate[],
  terms: readonly QuestionTerm[],
  settings: AnswerSettings,
  range: (c: Candidate) => [number, number],
): Picked[] | null {
  const asked = new Set(terms.map((t) => t.stem));
  const salient = new Set(terms.filter((t) => t.salient).map((t) => t.stem));
  const figuresOf = (text: string) => figuresIn(text).filter((f) => asked.has(f.noun));
  // The question's names and nouns a sentence misses: two sentences are about the same subject
  // when they miss the same ones ("Bundeswehr … 300 Panzer" is not about Russia's tanks).
  const missed = (c: Candidate) => c.unmatched.filter((s) => salient.has(s)).sort();
  const missing = (c: Candidate) => missed(c).join(' ');
  const shown = picked
    .filter((p) => figuresOf(shownText(p)).length > 0)
    .sort((a, b) => missed(a.c).length - missed(b.c).length);
  const first = shown[0];
  if (!first) return null;
  const nouns = new Map(figuresOf(shownText(first)).map((f) => [f.noun, f.value]));
  const differs = (text: string) =>
    figuresOf(text).some((f) => nouns.has(f.noun) && nouns.get(f.noun) !== f.value);
  const related = (x: Candidate) =>
    x.article.row !== first.c.article.row &&
    x.article.meta.date !== undefined &&
    x.article.meta.date !== first.c.article.meta.date &&
    !x.otherStates &&
    missing(x) === missing(first.c);
  let other = picked.find((p) => related(p.c) && differs(shownText(p)));
  if (!other) {
    for (const x of candidates) {
      if (x.confidence < settings.minScore) break;
      if (!related(x) || !differs(x.article.text.slice(x.sentence.start, x.sentence.end))) continue;
      other = { c: x, range: range(x) };
      break;
    }
  }
  if (!other || !first.c.article.meta.date) return null;
  const pair = [first, other].sort((a, b) =>
    (b.c.article.meta.date ?? '').localeCompare(a.c.article.meta.date ?? ''),
  );
  const rest = picked
    .filter((p) => p !== first && p !== other)
    .slice(0, Math.max(0, settings.maxQuotes - 2));
  return [...pair, ...rest];
}

/** The text a picked quote shows. */
function shownText(p: Picked): string {
  return p.c.article.text.slice(p.range[0], p.range[1]);
}

/** Trimmed question, or an InputError a user can act on. */
export function validateQuestion(raw: string, maxChars: number): string {
  const question = raw.replace(/\s+/g, ' ').trim();
  if (!question) throw new InputError('Die Frage ist leer. / The question is empty.');
  if (question.length > maxChars) {
    throw new InputError(
      `Die Frage ist zu lang (${question.length} Zeichen, höchstens ${maxChars}). / The question is too long (${question.length} characters, at most ${maxChars}).`,
    );
  }
  if (!/[\p{L}\p{N}]/u.test(question))
    throw new InputError('Die Frage enthält keine Wörter. / The question has no words.');
  return question;
}

const ENGLISH = new Set([
  'the',
  'what',
  'who',
  'which',
  'where',
  'when',
  'why',
  'how',
  'does',
  'did',
  'is',
  'are',
  'of',
  'and',
  'at',
  'to',
  'in',
  'many',
  'much',
]);
const GERMAN = new Set([
  'der',
  'die',
  'das',
  'wer',
  'was',
  'wie',
  'wo',
  'wann',
  'warum',
  'welche',
  'welcher',
  'hat',
  'ist',
  'und',
  'von',
  'nach',
  'viele',
  'gegen',
  'mit',
]);

export function questionLanguage(question: string): 'de' | 'en' {
  let en = 0;
  let de = 0;
  for (const t of tokenize(question)) {
    if (ENGLISH.has(t.text)) en++;
    if (GERMAN.has(t.text)) de++;
  }
  return en > de ? 'en' : 'de';
}

function collectCandidates(index: LoadedIndex, retrieval: Retrieval): Candidate[] {
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
function sentenceTokens(text: string, sentence: Pick<StoredSentence, 'start' | 'end'>): Token[] {
  const tokens = tokenize(text.slice(sentence.start, sentence.end));
  const skip = datelineLength(text, sentence.start);
  return skip ? tokens.filter((t) => t.start >= skip) : tokens;
}

/**
 * A question typed all in lower case ("wie viele panzer hat russland verloren") says nothing about
 * which words are nouns and names; the articles do: a term is salient when a candidate sentence
 * writes it capitalized after its first word.
 */
function salienceFromArticles(
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

/**
 * Weight of each question term: its IDF over chunks, scaled by salience. A stem no chunk
 * contains weighs more than any other when it is a noun or name (asking about it and not finding
 * it is the strongest sign the articles do not answer), less when it is a verb or adjective
 * (paraphrases use other verbs).
 */
function termWeights(
  df: ReadonlyMap<string, number>,
  terms: readonly QuestionTerm[],
  n: number,
): Map<string, number> {
  return new Map(
    terms.map((t) => {
      const d = df.get(t.stem) ?? 0;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      const factor = t.salient ? (d === 0 ? 1.3 : 1) : d === 0 ? 0.5 : 0.6;
      // The words of one name ("Kim Jong Un") share: else a name outweighs what is asked about it.
      return [t.stem, (idf * factor) / Math.sqrt(t.nameWords ?? 1)];
    }),
  );
}

/**
 * Share of the word coverage lost by a sentence without the kind of answer the question asks for
 * (count, time: 0.3 until stop 14, then 0.5; docs/quality.md, "Answer types"), and what one that
 * holds it especially plainly gains.
 */
const MISSING_TYPE_PENALTY: Record<NonNullable<AnswerType>, number> = { count: 0.5, time: 0.5 };
const PLAIN_TYPE_BONUS: Record<NonNullable<AnswerType>, number> = { count: 0.25, time: 0.1 };

/**
 * Share of a question term's weight earned when it only occurs in a neighbouring sentence. 0.4
 * until stop 15; with windows (a close neighbour joins the quote) 0.6 ranked better on GermanQuAD
 * with the archive (lexical quote@1 58.5 -> 61.2 %, false abstentions 9.8 -> 8.5 %) and on the
 * seed sets; 0.8 gave the same and longer quotes, 0.25 less (docs/quality.md).
 */
const CONTEXT_WEIGHT = 0.6;

/**
 * Share of a question term's weight earned by a part of a word (see AnswerSettings.subwordMatch).
 */
const SUBWORD_WEIGHT = 0.6;

/**
 * Same rough root; or one root the end of the other (a compound's head: Kurzstreckenraketen ~
 * Raketen, Waffenlieferung ~ liefert); or its start when that is most of it (Satellitenstarts ~
 * Satelliten). This replaced a separate compound rule (0.7 of a match) that no longer changed any
 * result once roots and synonyms were in (docs/quality.md, "Choices").
 */
function rootsMatch(q: string, s: string): boolean {
  if (q === s) return true;
  const [short, long] = q.length <= s.length ? [q, s] : [s, q];
  if (short.length < 4) return false;
  return (long.startsWith(short) && short.length / long.length >= 0.6) || long.endsWith(short);
}

/**
 * What a question term may also match, worked out once per question rather than per candidate
 * sentence.
 */
interface TermForms {
  /** Its wordRoot. */
  readonly root: string;
  /** Its synonyms' stems. */
  readonly synonyms: ReadonlySet<string>;
  /** The synonyms long enough to count as the head of a compound. */
  readonly heads: readonly string[];
  /**
   * The roots of its known parts when it is a compound the index does not know (Retrieval.parts).
   */
  readonly parts: readonly string[];
  /** The state it names (Pjöngjang → KP), when the state check is on. */
  readonly state?: string;
}

function termForms(
  terms: readonly QuestionTerm[],
  synonyms: Synonyms | null,
  parts: ReadonlyMap<string, readonly string[]>,
  states: boolean,
): Map<string, TermForms> {
  return new Map(
    terms.map((t) => {
      const alternatives = synonyms?.of(t.stem) ?? new Set<string>();
      const known = (parts.get(t.stem) ?? []).map(wordRoot);
      const state = states ? stateOfStem(t.stem) : undefined;
      return [
        t.stem,
        {
          root: wordRoot(t.stem),
          synonyms: alternatives,
          heads: [...alternatives].filter((a) => a.length >= 4),
          parts: known,
          ...(state ? { state } : {}),
        },
      ];
    }),
  );
}

function lexicalCoverage(
  terms: readonly QuestionTerm[],
  weights: Map<string, number>,
  forms: ReadonlyMap<string, TermForms>,
  c: Candidate,
  match: Pick<AnswerSettings, 'subwordMatch'>,
  expects: AnswerType,
  context: readonly string[],
  alsoPresent: ReadonlySet<string> | null,
  title: ReadonlySet<string>,
): { coverage: number; own: number } {
  if (terms.length === 0) return { coverage: 0, own: 0 };
  const { tokens, stems: sStems } = c;
  const present = new Set(alsoPresent ? [...sStems, ...alsoPresent] : sStems);
  // Stems of the neighbouring sentences count a little: a question often names the subject
  // ("Putin") that the answering sentence only refers to ("der Kreml-Despot"); so do the words
  // of the article's title, which names what all its sentences are about. `own` leaves the
  // title out.
  const around = new Set(context);
  let got = 0;
  let fromTitle = 0;
  let all = 0;
  for (const t of terms) {
    const w = weights.get(t.stem) ?? 1;
    const f = forms.get(t.stem);
    all += w;
    const parts = match.subwordMatch && f ? partsIn(f.parts, c) : 0;
    if (present.has(t.stem)) got += w;
    else if (match.subwordMatch && f && rootedIn(f.root, c)) got += SUBWORD_WEIGHT * w;
    else if (parts > 0) got += SUBWORD_WEIGHT * parts * w;
    else if (f && synonymIn(f, present, c)) got += SYNONYM_WEIGHT * w;
    else if (f?.state && statesOf(c).has(f.state))
      got += w; // the same state by another name
    else if (around.has(t.stem)) got += CONTEXT_WEIGHT * w;
    else if (title.has(t.stem)) fromTitle += CONTEXT_WEIGHT * w;
    else c.unmatched.push(t.stem);
  }
  const typed = (coverage: number) => {
    if (!expects) return coverage;
    const wanted = new Set(terms.filter((t) => t.salient).map((t) => t.stem));
    const evidence = typeEvidence(expects, tokens, sStems, wanted);
    if (evidence === 1) return Math.min(1, coverage + PLAIN_TYPE_BONUS[expects]);
    if (evidence === -1) return coverage * (1 - MISSING_TYPE_PENALTY[expects]);
    return coverage;
  };
  return all > 0
    ? { coverage: typed((got + fromTitle) / all), own: typed(got / all) }
    : { coverage: 0, own: 0 };
}

/** Share of the word coverage lost by a sentence about other states than the question's. */
const STATE_PENALTY = 0.5;

/**
 * Sentences on either side (same paragraph) where a state the question names may stand instead:
 * "So meldete Generalstab der ukrainischen Streitkräfte …" two sentences before the list of
 * Russia's losses makes the list an answer to "Wie viele Drohnen hat die Ukraine zerstört?".
 * One sentence was measured to turn away one answerable question more; four changed nothing.
 */
const STATE_CONTEXT = 2;

/**
 * A sentence that names no state but speaks of two ("Gegen *beide Länder* hatte die UN scharfe
 * Sanktionen verhängt.") or of one ("die Armee *des Landes*"): it means states the sentences
 * around it name.
 */
const TWO_STATES_BY_REFERENCE = /\bbeiden?\s+(?:Länder|Ländern|Staaten|Seiten)\b/iu;
const ONE_STATE_BY_REFERENCE = /\b(?:das|des|dem)\s+(?:Land|Landes|Lande|Staat|Staates)\b/iu;

/**
 * How many states a sentence that names none speaks of by reference (2, 1); 0 when it names one or
 * does not.
 */
function statesByReference(c: Candidate): number {
  if (statesOf(c).size > 0) return 0;
  const text = c.article.text.slice(c.sentence.start, c.sentence.end);
  return TWO_STATES_BY_REFERENCE.test(text) ? 2 : ONE_STATE_BY_REFERENCE.test(text) ? 1 : 0;
}

/**
 * The sentence names states, and a state the question asks about is neither among them nor in
 * the sentences around it: it answers about another country ("Wie viele Panzer hat Nordkorea?" →
 * "… habe Russland 4.313 Panzer … verloren"). A sentence that names no state may still speak of
 * states by reference: "beide Länder" are the states the sentences around it name when they name
 * at least two ("Sowohl Russland als auch Nordkorea … Gegen beide Länder …"; with one named, the
 * other may be meant by a person, "Kim sicherte Russland … zu. Beide Länder …"), "das Land" when
 * they name at least one. A sentence that does neither is left alone. `around` reads the store,
 * so it is called only for a sentence that lacks a state the question asks about.
 */
function aboutOtherStates(
  asked: ReadonlySet<string>,
  c: Candidate,
  around: () => Set<string>,
): boolean {
  const named = statesOf(c);
  if (named.size === 0) {
    const referred = statesByReference(c);
    if (referred === 0) return false;
    const near = around();
    return near.size >= referred && [...asked].some((s) => !near.has(s));
  }
  const missing = [...asked].filter((s) => !named.has(s));
  if (missing.length === 0) return false;
  const near = around();
  return missing.some((s) => !near.has(s));
}

/**
 * The states named in the sentences up to STATE_CONTEXT before or after a candidate, in its
 * paragraph. Reads the sentences around an article's candidates once per question (one query per
 * run of nearby candidates, so a long article is not read whole), and works out each sentence's
 * states once; a neighbour that is itself a candidate (`byId`) already knows its states.
 */
function statesAround(
  index: LoadedIndex,
  candidates: readonly Candidate[],
  byId: ReadonlyMap<number, Candidate>,
): (c: Candidate) => Set<string> {
  const stretches = new Map<number, StoredSentence[]>();
  const named = new Map<number, Set<string>>();
  return (c) => {
    let stretch = stretches.get(c.article.row);
    if (!stretch) {
      const ids = candidates
        .filter((x) => x.article.row === c.article.row)
        .map((x) => x.sentence.id)
        .sort((a, b) => a - b);
      stretch = [];
      for (let i = 0; i < ids.length;) {
        let j = i;
        while (j + 1 < ids.length && (ids[j + 1] ?? 0) - (ids[j] ?? 0) <= 2 * STATE_CONTEXT + 1)
          j++;
        stretch.push(
          ...index.store.sentencesOf(
            c.article.row,
            (ids[i] ?? 0) - STATE_CONTEXT,
            (ids[j] ?? 0) + STATE_CONTEXT,
          ),
        );
        i = j + 1;
      }
      stretches.set(c.article.row, stretch);
    }
    const found = new Set<string>();
    for (const x of stretch) {
      if (
        x.id === c.sentence.id ||
        Math.abs(x.id - c.sentence.id) > STATE_CONTEXT ||
        x.paragraph !== c.sentence.paragraph
      )
        continue;
      const candidate = byId.get(x.id);
      let states = candidate ? statesOf(candidate) : named.get(x.id);
      if (!states) named.set(x.id, (states = statesIn(sentenceTokens(c.article.text, x))));
      for (const state of states) found.add(state);
    }
    return found;
  };
}

/**
 * The share of its evidence a question keeps when judged against chance (AnswerSettings.
 * chancePrior): coverage is judged as if every question had one more rare word that nothing
 * matches, weighing chancePrior times what a word no chunk holds would (its IDF, log(1 + 2N + 1)
 * over N chunks, so it grows with the archive as the words' own weights do). A question of two
 * words, both found, is weaker evidence than one of five: chance covers short questions more
 * easily, and more so in a large archive. Measured over both families, own corpus and with the
 * archive, as the abstention reached at ≤ 10 % false abstentions (lexical, never abstaining,
 * thresholds swept): GermanQuAD + archive 69 → 72 %, seed sets + archive 22 → 30 %, GermanQuAD
 * alone 81 → 83 %, seed sets alone 39 → 42 % (0.5: about half of that; 2 and 3: less again).
 * Only the confidence is judged so (what the threshold compares, what quotes report); the
 * candidates are ranked by the evidence itself, which the prior would reweigh against the chunk
 * score (−1 to −1.5 points quote@1 when it ranked too). DEFAULT_ANSWER.minScore was calibrated
 * again with it (docs/quality.md).
 */
export function chanceShrink(
  terms: readonly QuestionTerm[],
  weights: ReadonlyMap<string, number>,
  chunks: number,
  chancePrior: number,
): number {
  const evidence = terms.reduce((sum, t) => sum + (weights.get(t.stem) ?? 1), 0);
  const prior = chancePrior * Math.log(1 + (chunks + 0.5) / 0.5);
  return evidence > 0 ? evidence / (evidence + prior) : 0;
}

/** Share of a question term's weight earned by a synonym of it. */
const SYNONYM_WEIGHT = 0.5;

/**
 * A synonym of the question's stem in the sentence, exactly or as the head of a compound
 * (Auslandsziel ~ Reiseziel → Ziel).
 */
function synonymIn(term: TermForms, present: ReadonlySet<string>, c: Candidate): boolean {
  if (term.synonyms.size === 0) return false;
  for (const a of term.synonyms) if (present.has(a)) return true;
  return c.stems.some((s) => s.length > 5 && term.heads.some((a) => s.endsWith(a)));
}

/**
 * Share of a compound's known parts the sentence has (Panzerverluste → Panzer + Verlust): both
 * count like any other part of a word, one half of that. A head alone is already a root match.
 */
function partsIn(parts: readonly string[], c: Candidate): number {
  if (parts.length === 0) return 0;
  const roots = rootsOf(c);
  // A short part ("haf" of Hafen) ends too many words (Botschaft) to count as a compound's head.
  return (
    parts.filter((p) =>
      roots.some((r) => r === p || (p.length >= 4 && r.length > p.length && r.endsWith(p))),
    ).length / parts.length
  );
}

function rootedIn(questionRoot: string, c: Candidate): boolean {
  return rootsOf(c).some((r) => rootsMatch(questionRoot, r));
}

/** The sentence's word roots, worked out on first use. */
function rootsOf(c: Candidate): string[] {
  c.roots ??= c.stems.map(wordRoot);
  return c.roots;
}

/** The states the sentence names, worked out on first use. */
function statesOf(c: Candidate): Set<string> {
  c.states ??= statesIn(c.tokens);
  return c.states;
}

/** How strongly standing out from the other candidates counts (see relativeDense). */
const STANDOUT_SCALE = 1.5;

/**
 * Cosines relative to this question's candidates: (cos - mean) / (1 - mean), scaled, within
 * [0, 1]. Models differ in where unrelated texts sit (the tiny model near 0.2, E5 near 0.8), so
 * a raw cosine means nothing across models; how far a sentence stands out from the other
 * candidates means the same for any model. Measured: with raw cosines, a tiny model made
 * E5-like (every vector shifted towards one direction) abstained on 14 % of unanswerable
 * questions instead of 74 %; with this, 77 % for both (docs/quality.md, "Choices").
 */
function relativeDense(candidates: Candidate[]): void {
  if (candidates.length === 0) return;
  const mean = candidates.reduce((sum, c) => sum + (c.dense ?? 0), 0) / candidates.length;
  const room = Math.max(1e-6, 1 - mean);
  for (const c of candidates)
    c.dense = Math.min(1, Math.max(0, (((c.dense ?? 0) - mean) / room) * STANDOUT_SCALE));
}

/**
 * Weighted evidence (the word coverage times `lexicalFactor`); without a dense score its weight
 * goes to the lexical coverage.
 */
function combine(c: Candidate, w: Weights, lexicalFactor = 1): number {
  const lexical = c.lexical * lexicalFactor;
  if (c.dense === null) return (w.lexical + w.dense) * lexical + w.chunk * c.chunkScore;
  return w.lexical * lexical + w.dense * c.dense + w.chunk * c.chunkScore;
}

const ANAPHORIC_START =
  /^["„“»]?(?:Das|Dies|Diese|Dieser|Dieses|Er|Sie|Es|Dort|Dabei|Dazu|Damit|Deshalb|Deswegen|Daher|Darum|Denn|Doch|Aber|Und|Allerdings|Außerdem|Zudem|Gleichzeitig|Beide|Ihr|Ihre|Sein|Seine|Demnach|Dennoch|Trotzdem|This|That|It|He|She|They|But|And)\b/u;
const QUOTE_CHARS = /["„“”»«]/g;

/**
 * Widen a sentence to what a reader needs: the previous sentence when it starts with a pointer
 * back ("Beide Länder …", "Das …"), speaks of states only by reference ("Gegen beide Länder
 * hatte die UN …": which two?) or closes a quotation opened before; the next one when it opens a
 * quotation that continues. Only neighbours in the same paragraph, only whole sentences.
 */
function quoteRange(
  index: LoadedIndex,
  c: Candidate,
  byId: ReadonlyMap<number, Candidate>,
  window: Pick<AnswerSettings, 'windowRatio' | 'windowChars'>,
): [number, number] {
  const s = c.sentence;
  const text = c.article.text;
  const own = text.slice(s.start, s.end);
  const around = index.store
    .sentencesOf(c.article.row, s.id - 1, s.id + 1)
    .filter((x) => x.paragraph === s.paragraph && !x.heading);
  const prev = around.find((x) => x.id === s.id - 1);
  const next = around.find((x) => x.id === s.id + 1);
  let start = s.start;
  let end = s.end;
  const oddQuotes = (own.match(QUOTE_CHARS) ?? []).length % 2 === 1;
  const opensQuote = oddQuotes && /^["„“»]/.test(own);
  if (
    prev &&
    ((oddQuotes && !opensQuote) ||
      ANAPHORIC_START.test(own) ||
      statesByReference(c) > 0 ||
      own.length < 50) &&
    s.end - prev.start <= 600
  )
    start = prev.start;
  if (next && opensQuote && next.end - start <= 700) end = next.end;
  // The window: neighbours that score close to the sentence, the better one first.
  const scored = [prev, next]
    .map((x) => (x ? byId.get(x.id) : undefined))
    .filter((x): x is Candidate => x !== undefined && x.ownScore >= window.windowRatio * c.ownScore)
    .sort((a, b) => b.score - a.score);
  for (const x of scored) {
    const [from, to] = [Math.min(start, x.sentence.start), Math.max(end, x.sentence.end)];
    if (to - from <= window.windowChars) [start, end] = [from, to];
  }
  return [start, end];
}

function ranked(c: Candidate): RankedSentence {
  const dense = c.dense === null ? null : round(c.dense);
  const text = c.article.text.slice(c.sentence.start, c.sentence.end);
  return {
    text,
    file: c.article.file,
    lexical: round(c.lexical),
    dense,
    chunk: round(c.chunkScore),
    score: round(c.score),
    confidence: round(c.confidence),
    unmatched: c.unmatched,
  };
}

function cosine(a: readonly number[], b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
