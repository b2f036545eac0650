/**
 * answer: retrieved chunks → scored sentences → verbatim quotes with numbered sources, or an
 * abstention. A quote is always `article.text.slice(start, end)` over whole stored sentences;
 * nothing here writes text of its own into a quote.
 */
import type { StoredArticle } from '../index/db.js';
import type { Embedder } from '../index/embed.js';
import type { LoadedIndex } from '../index/store.js';
import { DATELINE, stem, titleStems, tokenize } from '../text.js';
import { askedFor, holdsAsked } from './asked.js';
import { expectedAnswer } from './answerTypes.js';
import { type Candidate, collectCandidates, salienceFromArticles } from './candidates.js';
import { changedFigures } from './changedFigures.js';
import { digestAnswer, freshnessOf, isDigest } from './digest.js';
import {
  chanceShrink,
  combine,
  cosine,
  lexicalCoverage,
  relativeDense,
  round,
  termForms,
  termWeights,
  textWords,
  type Words,
} from './evidence.js';
import { questionLanguage, validateQuestion } from './question.js';
import { nearestArticles, numbered, ranked } from './quotes.js';
import type { Retriever } from './retrieve.js';
import { DEFAULT_ANSWER, DEFAULT_MIN_SCORE, type AnswerSettings } from './settings.js';
import { STATE_PENALTY, aboutOtherStates, statesAround } from './stateCheck.js';
import { statesAskedAbout } from './states.js';
import type { Synonyms } from './synonyms.js';
import { blank, timeScope, todayScope } from './timeScope.js';
import type { Answer, Answerer } from './types.js';
import { type Verification, questionFacts, verified, verify } from './verify.js';
import { quoteRange, widenToAnswer } from './windows.js';

// The answer stage's public face: other stages and the tests import these from here.
export type { Answer, Answerer, AskOptions, Quote, RankedSentence } from './types.js';
export type { AnswerSettings, Weights } from './settings.js';
export { DEFAULT_ANSWER, DEFAULT_MIN_SCORE } from './settings.js';
export { citedQuotes } from './quotes.js';
export { chanceShrink } from './evidence.js';
export { datelineLength } from './candidates.js';
export { questionLanguage, validateQuestion } from './question.js';

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
    async answer(rawQuestion, options = {}) {
      const question = validateQuestion(rawQuestion, settings.maxQuestionChars);
      const language = questionLanguage(question);
      const now = clock();
      let scope = timeScope(question, now);
      if (scope?.kind === 'restrict' && options.relativeTime === 'prefer')
        scope = { ...scope, kind: 'prefer' };
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
      const judgedChunks = Math.max(totalChunks, settings.chanceMinChunks);
      const shrink = chanceShrink(
        terms,
        judgedChunks === totalChunks
          ? weights
          : termWeights(retrieval.documentFrequencies, terms, judgedChunks),
        judgedChunks,
        settings.chancePrior,
      );
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
      const first = candidates[0];
      // Each of the best candidates judged part by part (verify.ts): the kind of answer asked for,
      // the question's years, its salient words in the quote or its article's title and lead.
      const facts = questionFacts(
        question,
        options.asked !== undefined ? options.asked : askedFor(question),
        terms,
        weights,
        retrieval.documentFrequencies,
        forms,
        settings.subwordMatch,
      );
      // A capitalized word that neither the question nor the candidate's sentence has, and that
      // the thesaurus does not know as an ordinary word: a name (Philippoussis, Kuala Lumpur).
      const questionStems = new Set(tokenize(question).map((t) => stem(t.text)));
      const isNewName = (word: string, c: Candidate): boolean => {
        const s = stem(word.toLowerCase());
        return !questionStems.has(s) && !c.stems.includes(s) && (synonyms?.of(s).size ?? 0) === 0;
      };
      const checks = new Map<Candidate, Checked>();
      const checkOf = (c: Candidate): Checked => {
        let x = checks.get(c);
        if (!x) {
          const asked = facts.asked;
          const range = asked
            ? widenToAnswer(
                index,
                c,
                quoteRange(index, c, byId, settings),
                (text) => holdsAsked(asked, text, question),
                (word) => isNewName(word, c),
              )
            : quoteRange(index, c, byId, settings);
          const window = c.article.text.slice(range[0], range[1]);
          const check = verify(facts, {
            text: window,
            words: textWords(tokenize(window)),
            ...articleContext(index, c.article),
            date: c.article.meta.date,
            otherStates: settings.abstainOnOtherStates && c.otherStates === true,
            crossLingual: crossLingual(c),
            dated: dateStems && inWindow?.has(c.article.row) ? dateStems : null,
            articleText: c.article.text,
          });
          checks.set(c, (x = { range, window, check }));
        }
        return x;
      };
      const passes = (c: Candidate) =>
        !settings.verify ||
        verified(checkOf(c).check, options.maxUnsupported ?? settings.maxUnsupported);
      // The answer: the best candidate that passes every check, among the first verifyDepth (the
      // sentence with the most of the question's words is often about another year, place or
      // thing, or lacks the amount asked for). Without verification, the first, unless it is about
      // other states than the question's (abstainOnOtherStates).
      const best = settings.verify
        ? candidates.slice(0, settings.verifyDepth).find(passes)
        : first && !(settings.abstainOnOtherStates && first.otherStates)
          ? first
          : undefined;
      // About other states: the answer's sentence, or (abstaining) the best-ranked one.
      const otherStates = (best ?? first)?.otherStates === true;
      const rangeOf = (c: Candidate) =>
        settings.verify ? checkOf(c).range : quoteRange(index, c, byId, settings);
      const ranking = settings.explain
        ? {
            ranking: candidates.slice(0, 8).map((c) => ranked(c, checkOf(c))),
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
          if (!passes(c)) continue;
          const sameArticle = picked.filter((p) => p.c.article.row === c.article.row);
          if (sameArticle.length > 0 && c.score < top * settings.sameArticleRatio) continue;
          if (
            sameArticle.length === 0 &&
            picked.length > 0 &&
            c.score < top * settings.extraQuoteRatio
          )
            continue;
          const range = rangeOf(c);
          if (sameArticle.some((p) => range[0] <= p.range[1] + 1 && p.range[0] <= range[1] + 1))
            continue;
          picked.push({ c, range });
        }
        return picked;
      };
      const minScore = options.minScore ?? settings.minScore;
      if (!best || best.confidence < minScore) {
        const near = best ?? first;
        const nearest =
          near && near.confidence >= settings.nearScore
            ? nearestArticles(candidates, settings)
            : [];
        const noneDated =
          scope?.kind === 'prefer' && dated?.length === 0
            ? { noArticlesInWindow: { newest: index.store.newestDate() } }
            : {};
        return {
          ...abstain(noneDated),
          nearest,
          confidence: round(near?.confidence ?? 0),
          // "They report on it only for other countries" only when it came near: a sentence
          // that shares a word or two with the question does not report on what it asks.
          otherStates: otherStates && nearest.length > 0,
          ...ranking,
        };
      }
      let picked = leaders(minScore);
      // The same counted thing with another number in an article of another date: both, newest
      // first.
      const changed = changedFigures(picked, candidates, terms, settings, rangeOf);
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

interface Checked {
  readonly range: [number, number];
  readonly window: string;
  readonly check: Verification;
}

/** An article's title (without its dateline) and first two sentences, as words and as text. */
function articleContext(
  index: LoadedIndex,
  article: StoredArticle,
): { title: Words; lead: Words; titleText: string; leadText: string } {
  const titleText = article.meta.title.slice(DATELINE.exec(article.meta.title)?.[0].length ?? 0);
  const leadText = index.store
    .leadSentences(article.row, 2)
    .map((s) => article.text.slice(s.start, s.end))
    .join(' ');
  return {
    title: textWords(tokenize(titleText)),
    lead: textWords(tokenize(leadText)),
    titleText,
    leadText,
  };
}
